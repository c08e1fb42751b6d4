import { NonFiniteError, add, memory, tensor, type Tensor } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { clipGradNorm, clipGradNormAsync } from "./clip-grad-norm.js";

const withGrad = (grad: number[]): Tensor => {
  const p = tensor(grad.map(() => 0)).requireGrad();
  p.grad = tensor(grad);
  return p;
};

describe("clipGradNorm", () => {
  it("returns the global L2 norm and scales every gradient by maxNorm / (norm + 1e-6)", () => {
    const a = withGrad([3, 0]);
    const b = withGrad([0, -4]);
    const norm = clipGradNorm([a, b], 1);
    expect(norm).toBe(5);
    const c = 1 / (5 + 1e-6);
    expect([...a.grad!.dataSync()]).toEqual([Math.fround(3 * Math.fround(c)), 0]);
    expect(b.grad!.dataSync()[1]).toBeCloseTo(-0.8, 6);
  });

  it("leaves gradients alone below maxNorm, ignores parameters without a gradient, and returns 0 for none", () => {
    const a = withGrad([0.3, 0.4]);
    const before = a.grad;
    expect(clipGradNorm([a, tensor([1]).requireGrad()], 1)).toBeCloseTo(0.5, 7);
    expect(a.grad).toBe(before);
    expect(clipGradNorm([tensor([1]).requireGrad()], 1)).toBe(0);
  });

  it("does not double-scale two gradients that share one buffer", () => {
    const x = tensor([3]).requireGrad();
    const y = tensor([4]).requireGrad();
    add(x, y).mul(10).sum().backward(); // both gradients are views of the same [10]
    expect(clipGradNorm([x, y], 1)).toBeCloseTo(Math.sqrt(200), 5);
    expect(x.grad!.dataSync()[0]).toBeCloseTo(10 / Math.sqrt(200), 6);
    expect(y.grad!.dataSync()[0]).toBeCloseTo(10 / Math.sqrt(200), 6);
  });

  it("frees the old gradients and the norm tensor", () => {
    const a = withGrad([30, 40]);
    const live = memory().tensors;
    clipGradNorm([a], 1);
    expect(memory().tensors).toBe(live);
  });

  it("throws on a non-finite norm only when asked, and on a bad maxNorm", () => {
    expect(() => clipGradNorm([withGrad([Number.NaN])], 1, { errorIfNonFinite: true })).toThrow(NonFiniteError);
    expect(Number.isNaN(clipGradNorm([withGrad([Number.NaN])], 1))).toBe(true);
    expect(() => clipGradNorm([withGrad([1])], 0)).toThrow(/maxNorm must be > 0/);
  });

  it("has an async form with the same result", async () => {
    const a = withGrad([6, 8]);
    expect(await clipGradNormAsync([a], 5)).toBe(10);
    expect(a.grad!.dataSync()[0]).toBeCloseTo(3, 5);
  });
});
