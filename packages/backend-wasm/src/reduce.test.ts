import { createCpuBackend, reductionSplit, type BufferInfo, type TypedArray } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { seededArray, wasmBackendsForTests } from "./test-helpers.js";

const cpu = createCpuBackend();
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** ReduceSum of x [shape] to the keepdim shape `out` through a backend's kernel table. */
function reduce(backend: { kernels: Record<string, unknown> }, x: Float32Array, shape: number[], out: number[]): Float32Array {
  const result = new Float32Array(size(out)).fill(Number.NaN);
  const axes = shape.flatMap((dim, i) => (out[i] === 1 && dim !== 1 ? [i] : []));
  (backend.kernels.ReduceSum as (o: BufferInfo<TypedArray>, i: BufferInfo<TypedArray>[], a: unknown) => void)({ handle: result, shape: out, dtype: "f32" }, [{ handle: x, shape, dtype: "f32" }], { axes });
  return result;
}

// Bias gradients of a GPT step ([B, T, C] -> [1, 1, C]), a middle run of axes, odd column counts, and
// shapes the kernel leaves to the cpu (the last axis, a non-contiguous set of axes).
const CASES: { shape: number[]; out: number[] }[] = [
  { shape: [16, 128, 256], out: [1, 1, 256] },
  { shape: [16, 128, 1024], out: [1, 1, 1024] },
  { shape: [3, 1000, 77], out: [3, 1, 77] },
  { shape: [40, 33, 31], out: [1, 1, 31] },
  { shape: [9, 64, 70], out: [9, 1, 70] },
  { shape: [256, 300], out: [256, 1] },
  { shape: [30, 40, 50], out: [1, 40, 1] },
];

describe("ReduceSum over contiguous axes in WebAssembly", () => {
  const backends = wasmBackendsForTests();

  for (const { shape, out } of CASES) {
    it(`[${shape}] -> [${out}] equals the cpu kernel bit for bit (f64 sums in the same order), on 1 thread and on the pool`, () => {
      const x = seededArray(size(shape), 3).map((v) => v * 100);
      const expected = Array.from(reduce(cpu, x, shape, out));
      expect(Array.from(reduce(backends.single, x, shape, out))).toEqual(expected);
      expect(Array.from(reduce(backends.pool, x, shape, out))).toEqual(expected);
    });
  }

  it("keeps infinities, NaN and -0 as the cpu kernel does", () => {
    const shape = [2, 700, 52];
    const x = seededArray(size(shape), 5);
    for (const [at, value] of [[3, Infinity], [52 + 20, -Infinity], [104 + 20, Infinity], [5, Number.NaN], [50, Number.NaN], [52 * 700 + 17, -Infinity]] as const) x[at] = value;
    for (let k = 0; k < 700; k++) x[(700 + k) * 52 + 49] = -0; // a column of -0 in the second slice
    const expected = Array.from(reduce(cpu, x, shape, [2, 1, 52]));
    expect(expected[3]).toBe(Infinity);
    expect(expected[20]).toBeNaN(); // +∞ + -∞
    expect(expected[52 + 49]).toBe(0);
    expect(Array.from(reduce(backends.single, x, shape, [2, 1, 52]))).toEqual(expected);
    expect(Array.from(reduce(backends.pool, x, shape, [2, 1, 52]))).toEqual(expected);
  });

  it("finds the contiguous run of reduced axes as [outer, length, inner]", () => {
    expect(reductionSplit([16, 128, 256], [1, 1, 256])).toEqual([1, 2048, 256]);
    expect(reductionSplit([3, 10, 1, 5, 7], [3, 1, 1, 1, 7])).toEqual([3, 50, 7]);
    expect(reductionSplit([30, 40, 50], [1, 40, 1])).toBeNull();
    expect(reductionSplit([4, 5], [4, 5])).toEqual([20, 1, 1]);
  });
});
