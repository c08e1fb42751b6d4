import { createCpuBackend, type BufferInfo, type TypedArray } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { seededArray, wasmBackendsForTests } from "./test-helpers.js";

const cpu = createCpuBackend();
type Info = BufferInfo<TypedArray>;
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** where(cond, x, y) through a backend's kernel table, into an output pre-filled with a marker. */
function where(backend: { kernels: Record<string, unknown> }, cond: [Uint8Array, number[]], x: [Float32Array, number[]], y: [Float32Array, number[]], outShape: number[]): Float32Array {
  const out = new Float32Array(size(outShape)).fill(-7);
  const kernel = backend.kernels.Where as (o: Info, i: Info[], a: unknown) => void;
  kernel({ handle: out, shape: outShape, dtype: "f32" }, [{ handle: cond[0], shape: cond[1], dtype: "u8" }, { handle: x[0], shape: x[1], dtype: "f32" }, { handle: y[0], shape: y[1], dtype: "f32" }], {});
  return out;
}

/** The first few indices where two arrays differ (Object.is: -0 and +0 differ, NaNs match). */
function differences(actual: Float32Array, expected: Float32Array): string[] {
  const found: string[] = [];
  for (let i = 0; i < expected.length && found.length < 5; i++) if (!Object.is(actual[i], expected[i])) found.push(`[${i}] ${actual[i]} != ${expected[i]}`);
  return found;
}

const mask = (shape: number[], seed: number) => Uint8Array.from(seededArray(size(shape), seed), (v) => (v > 0 ? 1 : 0));
const causal = (t: number) => Uint8Array.from({ length: t * t }, (_, i) => (i % t <= Math.floor(i / t) ? 1 : 0));

describe("Where in WebAssembly on the pool", () => {
  const backends = wasmBackendsForTests();
  // The attention's masked fill (scores kept, -inf elsewhere) and its gradient (grad kept, 0 elsewhere), a
  // condition of the output's shape with both values whole, a period that is not a multiple of 4, and -0.
  const CASES: { name: string; cond: [Uint8Array, number[]]; x: [Float32Array, number[]]; y: [Float32Array, number[]]; out: number[] }[] = [
    { name: "causal [128, 128] mask over [4, 4, 128, 128] scores, -inf", cond: [causal(128), [128, 128]], x: [seededArray(4 * 4 * 128 * 128, 1), [4, 4, 128, 128]], y: [Float32Array.of(-Infinity), []], out: [4, 4, 128, 128] },
    { name: "gradient: kept values whole, 0 elsewhere", cond: [causal(128), [1, 1, 128, 128]], x: [Float32Array.of(0), []], y: [seededArray(2 * 4 * 128 * 128, 2), [2, 4, 128, 128]], out: [2, 4, 128, 128] },
    { name: "condition of the output's shape, both values whole", cond: [mask([300, 131], 3), [300, 131]], x: [seededArray(300 * 131, 4), [300, 131]], y: [seededArray(300 * 131, 5), [300, 131]], out: [300, 131] },
    { name: "period 4099 (a tail), values -0 and 2", cond: [mask([4099], 6), [4099]], x: [Float32Array.of(-0), [1]], y: [Float32Array.of(2), [1, 1]], out: [9, 4099] },
  ];

  for (const { name, cond, x, y, out } of CASES) {
    it(`${name}: equals the cpu kernel, on 1 thread and on the pool`, () => {
      const expected = where(cpu, cond, x, y, out);
      expect(differences(where(backends.single, cond, x, y, out), expected)).toEqual([]);
      expect(differences(where(backends.pool, cond, x, y, out), expected)).toEqual([]);
    });
  }

  it("leaves other broadcasts, dtypes and small outputs to the cpu kernel", () => {
    // x repeated per row ([C] over [N, C]) is not a kernel case: the cpu kernel answers, with the same results.
    const cond: [Uint8Array, number[]] = [mask([256, 256], 7), [256, 256]];
    const row: [Float32Array, number[]] = [seededArray(256, 8), [256]];
    const zero: [Float32Array, number[]] = [Float32Array.of(0), []];
    expect(differences(where(backends.pool, cond, row, zero, [256, 256]), where(cpu, cond, row, zero, [256, 256]))).toEqual([]);
    const small: [Uint8Array, number[]] = [mask([8, 8], 9), [8, 8]];
    expect(differences(where(backends.pool, small, [seededArray(64, 1), [8, 8]], zero, [8, 8]), where(cpu, small, [seededArray(64, 1), [8, 8]], zero, [8, 8]))).toEqual([]);
  });
});
