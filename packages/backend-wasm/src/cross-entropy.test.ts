import { ShapeError, crossEntropy, tensor, tidy, type BufferInfo, type TypedArray } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { crossEntropyReference } from "./kernels/cross-entropy-kernel.js";
import { seededArray, wasmBackendsForTests } from "./test-helpers.js";

type Info = BufferInfo<TypedArray>;
type Kernel = (out: Info, inputs: Info[], attrs: unknown) => void;
const info = (handle: TypedArray, shape: number[]): Info => ({ handle, shape, dtype: handle instanceof Float64Array ? "f64" : handle instanceof Int32Array ? "i32" : "f32" });

/** The largest |a − b| / max(|b|, 1e-3). */
function maxRelative(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / Math.max(Math.abs(expected[i]!), 1e-3));
  return worst;
}

describe("SoftmaxCrossEntropy in WebAssembly on the pool", () => {
  const backends = wasmBackendsForTests();
  // 300 rows of 1001 classes (a SIMD tail), logits up to ±40, every 7th row ignored (-100); row 5 holds
  // ±1e4 (exp of the raw logits would overflow: the max must come out first).
  const [rows, classes, ignoreIndex] = [300, 1001, -100];
  const logits = seededArray(rows * classes, 21).map((v) => 40 * v);
  logits.fill(1e4, 5 * classes, 5 * classes + 10);
  logits.fill(-1e4, 5 * classes + 10, 6 * classes);
  const targets = Int32Array.from({ length: rows }, (_, n) => (n % 7 === 3 ? ignoreIndex : (n * 37) % classes));
  const g = seededArray(rows, 22);

  it("loss and gradient match float64 loops to 2e-6; ignored rows give 0 and a zero gradient row; 1 thread and the pool", () => {
    const wantLoss = new Float64Array(rows);
    crossEntropyReference.SoftmaxCrossEntropy(info(wantLoss, [rows]), [info(Float64Array.from(logits), [rows, classes]), info(targets, [rows])], { ignoreIndex });
    const wantGrad = new Float64Array(rows * classes);
    crossEntropyReference.SoftmaxCrossEntropyGrad(info(wantGrad, [rows, classes]), [info(Float64Array.from(g), [rows]), info(Float64Array.from(logits), [rows, classes]), info(targets, [rows])], { ignoreIndex });
    expect(Number.isFinite(wantLoss[5]!) && wantLoss[5]! > 1e4).toBe(true); // row 5: its target sits in the -1e4 part
    for (const backend of [backends.single, backends.pool]) {
      const kernels = backend.kernels as unknown as Record<string, Kernel>;
      const loss = new Float32Array(rows).fill(-7);
      kernels.SoftmaxCrossEntropy!(info(loss, [rows]), [info(logits, [rows, classes]), info(targets, [rows])], { ignoreIndex });
      expect(maxRelative(loss, wantLoss), `loss, ${backend.threads} thread(s)`).toBeLessThan(2e-6);
      expect(loss[3]).toBe(0);
      const grad = new Float32Array(rows * classes).fill(-7);
      kernels.SoftmaxCrossEntropyGrad!(info(grad, [rows, classes]), [info(g, [rows]), info(logits, [rows, classes]), info(targets, [rows])], { ignoreIndex });
      expect(maxRelative(grad, wantGrad), `gradient, ${backend.threads} thread(s)`).toBeLessThan(2e-6);
      expect(grad.subarray(3 * classes, 4 * classes).every((v) => Object.is(v, 0))).toBe(true);
    }
  });

  it("crossEntropy on backend buffers takes the fused kernels and matches the float64 mean", () => {
    const backend = backends.pool;
    const x = tensor(logits, { shape: [rows, classes], backend, requiresGrad: true });
    const t = tensor(targets, { shape: [rows], dtype: "i32", backend });
    const loss = tidy(() => {
      const l = crossEntropy(x, t);
      l.backward();
      return l;
    });
    const perRow = new Float64Array(rows);
    crossEntropyReference.SoftmaxCrossEntropy(info(perRow, [rows]), [info(Float64Array.from(logits), [rows, classes]), info(targets, [rows])], { ignoreIndex });
    const kept = Array.from(targets).filter((v) => v !== ignoreIndex).length;
    expect(maxRelative(loss.dataSync(), [perRow.reduce((a, b) => a + b, 0) / kept])).toBeLessThan(2e-6);
    expect(x.grad!.dataSync().subarray(3 * classes, 4 * classes).every((v) => v === 0)).toBe(true);
    for (const tensor of [x, t, loss]) tensor.dispose();
  });

  it("names the row and the valid range of an out-of-range target", () => {
    const kernels = backends.pool.kernels as unknown as Record<string, Kernel>;
    const bad = Int32Array.from(targets);
    bad[4] = classes;
    const run = () => kernels.SoftmaxCrossEntropy!(info(new Float32Array(rows), [rows]), [info(logits, [rows, classes]), info(bad, [rows])], { ignoreIndex });
    expect(run).toThrow(ShapeError);
    expect(run).toThrow(`SoftmaxCrossEntropy: target ${classes} at row 4 is out of range for ${classes} classes (valid: 0..${classes - 1}, or the ignoreIndex -100)`);
  });
});
