import { ConfigError, ShapeError, tensor } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { LOSS_WEIGHT_PRESETS, combineLosses } from "./combine.js";
import { DistillError } from "./errors.js";

describe("combineLosses", () => {
  const task = tensor(2);
  const kl = tensor(3);
  const layerwise = tensor(5);

  it("defaults to the GPT-2 recipe 0.33·CE + 0.67·KL (wSq 0, so layerwise may be absent)", () => {
    expect(combineLosses({ task, kl }).item()).toBeCloseTo(0.33 * 2 + 0.67 * 3, 6);
    expect(combineLosses({ task, kl, layerwise }).item()).toBeCloseTo(0.33 * 2 + 0.67 * 3, 6);
  });

  it("sums the weighted terms without normalising the weights", () => {
    expect(combineLosses({ task, kl, layerwise }, { wTask: 1, wKL: 1, wSq: 1 }).item()).toBe(10);
    expect(combineLosses({ task, kl }, LOSS_WEIGHT_PRESETS.llama).item()).toBe(3.5);
    expect(combineLosses({ task }, LOSS_WEIGHT_PRESETS.ce).item()).toBe(2);
  });

  it("passes gradients to each weighted term", () => {
    const a = tensor(2).requireGrad();
    const b = tensor(3).requireGrad();
    combineLosses({ task: a, kl: b }, { wTask: 0.5, wKL: 0.25 }).backward();
    expect(a.grad!.item()).toBe(0.5);
    expect(b.grad!.item()).toBe(0.25);
  });

  it("errors on a missing weighted term, all-zero weights, bad weights and non-scalar terms", () => {
    expect(() => combineLosses({ task })).toThrow(DistillError);
    expect(() => combineLosses({ task })).toThrow(/wKL is 0.67 but no "kl" term was given; compute it with klLoss/);
    expect(() => combineLosses({ task, kl }, { wTask: 0, wKL: 0 })).toThrow(/every weight is 0/);
    expect(() => combineLosses({ task, kl }, { wKL: -1 })).toThrow(ConfigError);
    expect(() => combineLosses({ task, kl }, { alpha: 1 } as never)).toThrow(/unknown option "alpha" \(valid options: wTask, wKL, wSq\)/);
    expect(() => combineLosses({ task: tensor([1, 2]), kl })).toThrow(ShapeError);
  });
});
