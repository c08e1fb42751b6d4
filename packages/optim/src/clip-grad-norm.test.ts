import { BackendError, NonFiniteError, add, createCpuBackend, memory, tensor, type Tensor } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { clipGradNorm, clipGradNormAsync } from "./clip-grad-norm.js";

const withGrad = (grad: number[], backend = undefined as ReturnType<typeof createCpuBackend> | undefined): Tensor => {
  const p = tensor(grad.map(() => 0), { backend }).requireGrad();
  p.grad = tensor(grad, { backend });
  return p;
};

/** Reads and frees a returned norm tensor. */
const take = (norm: Tensor | null): number | null => {
  if (!norm) return null;
  const value = norm.item();
  norm.dispose();
  return value;
};

describe("clipGradNorm", () => {
  it("returns the global L2 norm as a tensor and scales every gradient by maxNorm / (norm + 1e-6)", () => {
    const a = withGrad([3, 0]);
    const b = withGrad([0, -4]);
    const norm = clipGradNorm([a, b], 1)!;
    expect(norm.shape).toEqual([]);
    expect(take(norm)).toBe(5);
    const c = 1 / (5 + 1e-6);
    expect([...a.grad!.dataSync()]).toEqual([Math.fround(3 * Math.fround(c)), 0]);
    expect(b.grad!.dataSync()[1]).toBeCloseTo(-0.8, 6);
  });

  it("leaves gradient values alone below maxNorm, ignores parameters without a gradient, and returns null for none", () => {
    const a = withGrad([0.3, 0.4]);
    const before = [...a.grad!.dataSync()];
    expect(take(clipGradNorm([a, tensor([1]).requireGrad()], 1))).toBeCloseTo(0.5, 7);
    expect([...a.grad!.dataSync()]).toEqual(before); // multiplied by exactly 1
    expect(clipGradNorm([tensor([1]).requireGrad()], 1)).toBeNull();
  });

  it("reads nothing back to the host", () => {
    const backend = createCpuBackend();
    const a = withGrad([30, 40], backend);
    const before = backend.stats().deviceToHostBytes;
    const norm = clipGradNorm([a], 1)!;
    expect(backend.stats().deviceToHostBytes).toBe(before);
    expect(norm.item()).toBe(50);
    expect(backend.stats().deviceToHostBytes).toBe(before + 4); // the caller's one read, at log time
    norm.dispose();
  });

  it("does not double-scale two gradients that share one buffer", () => {
    const x = tensor([3]).requireGrad();
    const y = tensor([4]).requireGrad();
    add(x, y).mul(10).sum().backward(); // both gradients are views of the same [10]
    expect(take(clipGradNorm([x, y], 1))).toBeCloseTo(Math.sqrt(200), 5);
    expect(x.grad!.dataSync()[0]).toBeCloseTo(10 / Math.sqrt(200), 6);
    expect(y.grad!.dataSync()[0]).toBeCloseTo(10 / Math.sqrt(200), 6);
  });

  it("frees the old gradients; only the returned norm stays alive", () => {
    const a = withGrad([30, 40]);
    const live = memory().tensors;
    const norm = clipGradNorm([a], 1)!;
    expect(memory().tensors).toBe(live + 1);
    norm.dispose();
    expect(memory().tensors).toBe(live);
  });

  it("throws on a non-finite norm only when asked, and on a bad maxNorm", () => {
    expect(() => clipGradNorm([withGrad([Number.NaN])], 1, { errorIfNonFinite: true })).toThrow(NonFiniteError);
    expect(Number.isNaN(take(clipGradNorm([withGrad([Number.NaN])], 1)))).toBe(true);
    expect(() => clipGradNorm([withGrad([1])], 0)).toThrow(/maxNorm must be > 0/);
    const asyncOnly = { ...createCpuBackend(), name: "async-only", readSync: undefined };
    const p = tensor([0], { backend: asyncOnly }).requireGrad();
    p.grad = tensor([1], { backend: asyncOnly });
    expect(() => clipGradNorm([p], 1, { errorIfNonFinite: true })).toThrow(BackendError);
    expect(() => clipGradNorm([p], 1, { errorIfNonFinite: true })).toThrow(/use await clipGradNormAsync/);
  });

  it("has an async form that reads the norm as a number", async () => {
    const a = withGrad([6, 8]);
    expect(await clipGradNormAsync([a], 5)).toBe(10);
    expect(a.grad!.dataSync()[0]).toBeCloseTo(3, 5);
    await expect(clipGradNormAsync([withGrad([Number.POSITIVE_INFINITY])], 1, { errorIfNonFinite: true })).rejects.toThrow(NonFiniteError);
  });
});
