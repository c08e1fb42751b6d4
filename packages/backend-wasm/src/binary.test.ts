import { createCpuBackend, type BufferInfo, type TypedArray } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { broadcastPattern } from "./kernels/binary-kernel.js";
import { seededArray, wasmBackendsForTests } from "./test-helpers.js";

const cpu = createCpuBackend();
const info = (handle: TypedArray, shape: number[], dtype: "f32" | "i32" = "f32"): BufferInfo<TypedArray> => ({ handle, shape, dtype });
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** out = x op y through a backend's kernel table. */
function run(backend: { kernels: Record<string, unknown> }, op: "Add" | "Mul", x: Float32Array, xShape: number[], y: Float32Array, yShape: number[], outShape: number[]): Float32Array {
  const out = new Float32Array(size(outShape)).fill(Number.NaN); // every entry must be written
  (backend.kernels[op] as (o: BufferInfo<TypedArray>, i: BufferInfo<TypedArray>[], a: unknown) => void)(info(out, outShape), [info(x, xShape), info(y, yShape)], {});
  return out;
}

/** The first few indices where two arrays differ (a plain loop: vitest's deep equality is slow at 500K elements). */
function differences(actual: Float32Array, expected: Float32Array): string[] {
  const found: string[] = [];
  for (let i = 0; i < expected.length && found.length < 5; i++) if (!Object.is(actual[i], expected[i])) found.push(`[${i}] ${actual[i]} != ${expected[i]}`);
  if (actual.length !== expected.length) found.push(`length ${actual.length} != ${expected.length}`);
  return found;
}

// The broadcasts of a GPT step (bias rows, attention scale, residual adds, per-row scales), either side
// broadcast, sizes with a tail that is not a multiple of 4, and enough elements for the pool to split.
const CASES: { x: number[]; y: number[]; out: number[] }[] = [
  { x: [16, 128, 256], y: [256], out: [16, 128, 256] },
  { x: [256], y: [16, 128, 256], out: [16, 128, 256] },
  { x: [4, 4, 128, 128], y: [], out: [4, 4, 128, 128] },
  { x: [37, 1027], y: [37, 1027], out: [37, 1027] },
  { x: [300, 131], y: [300, 1], out: [300, 131] },
  { x: [2, 1, 300, 1], y: [2, 3, 300, 55], out: [2, 3, 300, 55] }, // per-block value with a leading broadcast: fallback
  { x: [65, 515], y: [1, 515], out: [65, 515] },
];

describe("broadcasting Add and Mul in WebAssembly SIMD", () => {
  const backends = wasmBackendsForTests();

  for (const op of ["Add", "Mul"] as const) {
    for (const { x, y, out } of CASES) {
      it(`${op} [${x}] with [${y}] -> [${out}] equals the cpu kernel bit for bit, on 1 thread and on the pool`, () => {
        const a = seededArray(size(x), 1);
        const b = seededArray(size(y), 2);
        const expected = run(cpu, op, a, x, b, y, out);
        // f32 add and multiply are exact roundings in both (JavaScript computes them in f64, then rounds once).
        expect(differences(run(backends.single, op, a, x, b, y, out), expected)).toEqual([]);
        expect(differences(run(backends.pool, op, a, x, b, y, out), expected)).toEqual([]);
      });
    }
  }

  it("leaves other dtypes to the cpu kernels", () => {
    const a = Int32Array.from({ length: 40000 }, (_, i) => i);
    const out = new Int32Array(40000);
    (backends.pool.kernels.Add as (o: BufferInfo<TypedArray>, i: BufferInfo<TypedArray>[], a: unknown) => void)(info(out, [40000], "i32"), [info(a, [40000], "i32"), info(Int32Array.of(7), [], "i32")], {});
    expect(out[39999]).toBe(40006);
  });

  it("classifies broadcasts: same shape, repeated row block, per-row value, scalar, or other", () => {
    expect(broadcastPattern([4, 8], [4, 8])).toEqual({ mode: "same" });
    expect(broadcastPattern([8], [4, 8])).toEqual({ mode: "row", width: 8 });
    expect(broadcastPattern([1, 3, 8], [2, 3, 8])).toEqual({ mode: "row", width: 24 });
    expect(broadcastPattern([4, 1], [4, 8])).toEqual({ mode: "col", width: 8 });
    expect(broadcastPattern([2, 3, 1, 1], [2, 3, 4, 8])).toEqual({ mode: "col", width: 32 });
    expect(broadcastPattern([], [4, 8])).toEqual({ mode: "scalar" });
    expect(broadcastPattern([1, 1], [4, 8])).toEqual({ mode: "scalar" });
    expect(broadcastPattern([2, 1, 8], [2, 3, 8])).toBeNull();
  });
});
