import { causalSoftmax, tensor, tidy, type BufferInfo, type TypedArray } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { causalSoftmaxReference } from "./kernels/causal-softmax-kernel.js";
import { relativeFrobenius, seededArray, wasmBackendsForTests } from "./test-helpers.js";

type Info = BufferInfo<TypedArray>;
type Kernel = (out: Info, inputs: Info[], attrs: unknown) => void;
const f32 = (handle: TypedArray, shape: number[]): Info => ({ handle, shape, dtype: handle instanceof Float64Array ? "f64" : "f32" });

/** The largest |a − b| / max(|b|, 1e-3) (0 where both are 0). */
function maxRelative(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / Math.max(Math.abs(expected[i]!), 1e-3));
  return worst;
}

/** Indices above the diagonal of each [T, T] block that hold anything but +0. */
const nonZeroMasked = (values: ArrayLike<number>, t: number) => Array.from(values).filter((v, i) => i % t > Math.floor(i / t) % t && !Object.is(v, 0)).length;

describe("CausalSoftmax in WebAssembly on the pool", () => {
  const backends = wasmBackendsForTests();
  // 650 rows of 130: the pool's four pieces start at queries 0, 33, 66 and 99 of a block, so each task must
  // take its first row's query index from its start; 130 is not a multiple of 4 (SIMD tails); scores up to
  // ±30 after the scale (the max must be subtracted).
  const shape = [5, 1, 130, 130];
  const size = 5 * 130 * 130;
  const x = seededArray(size, 11).map((v) => 240 * v);
  const g = seededArray(size, 12);
  const scale = 0.125;

  it("forward and gradient match float64 loops (elementwise 2e-6; gradient, a difference of near-equal terms, 1e-6 in norm), with exact zeros above the diagonal, on 1 thread and on the pool", () => {
    const wantY = new Float64Array(size);
    causalSoftmaxReference.CausalSoftmax(f32(wantY, shape), [f32(Float64Array.from(x), shape)], { scale });
    const wantDx = new Float64Array(size);
    causalSoftmaxReference.CausalSoftmaxGrad(f32(wantDx, shape), [f32(Float64Array.from(g), shape), f32(wantY, shape)], { scale });
    for (const backend of [backends.single, backends.pool]) {
      const kernels = backend.kernels as unknown as Record<string, Kernel>;
      const y = new Float32Array(size).fill(-7); // a marker: every element must be written
      kernels.CausalSoftmax!(f32(y, shape), [f32(x, shape)], { scale });
      expect(maxRelative(y, wantY), `forward, ${backend.threads} thread(s)`).toBeLessThan(2e-6);
      expect(nonZeroMasked(y, 130)).toBe(0);
      const dx = new Float32Array(size).fill(-7);
      kernels.CausalSoftmaxGrad!(f32(dx, shape), [f32(g, shape), f32(Float32Array.from(wantY), shape)], { scale });
      expect(relativeFrobenius(dx, wantDx), `gradient, ${backend.threads} thread(s)`).toBeLessThan(1e-6);
      expect(nonZeroMasked(dx, 130)).toBe(0);
    }
  });

  it("serves causalSoftmax on backend buffers: each row sums to 1 over its visible keys", () => {
    const backend = backends.pool;
    const scores = tensor(x, { shape, backend });
    const y = tidy(() => causalSoftmax(scores, scale));
    const values = y.dataSync();
    for (const row of [0, 1, 64, 129, 130, 649]) {
      const visible = (row % 130) + 1;
      let total = 0;
      for (let j = 0; j < visible; j++) total += values[row * 130 + j]!;
      expect(total).toBeCloseTo(1, 5);
    }
    scores.dispose();
    y.dispose();
  });
});
