import { ShapeError, memory, noGrad, sub, tensor, tidy, zeros } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { Parameter } from "./parameter.js";

describe("Parameter", () => {
  it("is a leaf that requires grad, shares its source's buffer and survives tidy", () => {
    const before = memory().tensors;
    const p = tidy(() => {
      const made = new Parameter(tensor([[1, 2], [3, 4]]));
      tidy(() => made.mul(2)); // unrelated work in an inner scope
      return made;
    });
    expect(p.requiresGrad).toBe(true);
    expect(p.node).toBeNull();
    expect(p.isDisposed).toBe(false);
    expect([...p.dataSync()]).toEqual([1, 2, 3, 4]);
    expect(memory().tensors).toBe(before + 1); // the source tensor was freed by tidy, its buffer lives on
    p.dispose();
    expect(memory().tensors).toBe(before);
  });

  it("defaults weightDecay to rank >= 2 (nanoGPT's grouping)", () => {
    const matrix = new Parameter(zeros([2, 3]));
    const vector = new Parameter(zeros([3]));
    expect(matrix.weightDecay).toBe(true);
    expect(vector.weightDecay).toBe(false);
    expect(new Parameter(zeros([3]), { weightDecay: true }).weightDecay).toBe(true);
  });

  it("assign overwrites values in place, keeping the object and its gradient", () => {
    const p = new Parameter(tensor([1, 2, 3]));
    tidy(() => p.mul(p).sum().backward());
    const grad = p.grad;
    noGrad(() => tidy(() => p.assign(sub(p, p.grad!.mul(0.5))))); // p − 0.5·2p = 0
    expect([...p.dataSync()]).toEqual([0, 0, 0]);
    expect(p.grad).toBe(grad);
    expect(() => p.assign(zeros([2]))).toThrow(ShapeError);
  });
});
