import { memory, tensor, tidy, type Tensor } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { accumulateGradients, scaleLoss } from "./grad-accumulation.js";

// A tiny least-squares problem: loss(batch) = mean((w·x − y)²) over the batch.
const XS = [1, 2, -1, 0.5];
const YS = [2, 3, -1, 1];
const lossOf = (w: Tensor, indices: number[]): Tensor =>
  w.mul(tensor(indices.map((i) => XS[i]))).sub(tensor(indices.map((i) => YS[i]))).square().mean();

describe("gradient accumulation", () => {
  it("accumulateGradients over micro-batches equals one backward over the full batch", () => {
    const full = tensor([0.5]).requireGrad();
    tidy(() => lossOf(full, [0, 1, 2, 3]).backward());
    const micro = tensor([0.5]).requireGrad();
    const mean = accumulateGradients(2, (i) => lossOf(micro, i === 0 ? [0, 1] : [2, 3]));
    expect(micro.grad!.dataSync()[0]).toBeCloseTo(full.grad!.dataSync()[0], 6);
    expect(mean.item()).toBeCloseTo(tidy(() => lossOf(full, [0, 1, 2, 3]).item()), 6);
    expect(mean.requiresGrad).toBe(false);
  });

  it("leaves only the gradient and the returned loss alive", () => {
    const w = tensor([0.5]).requireGrad();
    const live = memory().tensors;
    const mean = accumulateGradients(4, (i) => lossOf(w, [i]));
    expect(memory().tensors).toBe(live + 2);
    mean.dispose();
  });

  it("scaleLoss divides by the number of micro-batches; both validate steps and the loss shape", () => {
    expect(scaleLoss(tensor([6]), 3).item()).toBe(2);
    expect(() => scaleLoss(tensor([6]), 0)).toThrow(/integer >= 1/);
    const w = tensor([1, 2]).requireGrad();
    expect(() => accumulateGradients(1, () => w.mul(2))).toThrow(/shape \[2\]; return a scalar/);
  });
});
