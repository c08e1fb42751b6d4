import { tensor, type Tensor } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { AdamW } from "./adamw.js";
import type { DecayMode } from "./types.js";

// method.md §10.1 item 6: the pruned-weight decay invariants.
const WEIGHTS = [0.5, -1.5, 2.0, -0.25, 1.0, 3.0, -2.0, 0.75];
const MASK = [1, 0, 0, 1, 0, 1, 1, 0]; // 1 = kept
const f = Math.fround;

function stepOnce(mode: DecayMode, options: { eps?: number; grad?: number[]; lr?: number; decay?: number } = {}): { before: number[]; after: number[]; optimizer: AdamW; w: Tensor } {
  const w = tensor(WEIGHTS, { shape: [2, 4] }).requireGrad();
  w.grad = tensor(options.grad ?? WEIGHTS.map(() => 0), { shape: [2, 4] });
  const mask = tensor(MASK, { shape: [2, 4], dtype: "u8" });
  const optimizer = new AdamW([{ params: [{ param: w, mask }] }], { weightDecay: 0, decayMode: mode, betas: [0.9, 0.95], eps: options.eps ?? 1e-8 });
  optimizer.step({ lr: options.lr ?? 0.01, decay: options.decay ?? 0.1 });
  return { before: WEIGHTS.map(f), after: [...w.dataSync()], optimizer, w };
}

describe("pruned-weight decay modes (zero loss gradient, wd = 0)", () => {
  it("'decoupled': every pruned weight moves toward 0, every kept weight is unchanged", async () => {
    const { before, after } = stepOnce("decoupled");
    MASK.forEach((kept, i) => {
      if (kept) expect(after[i]).toBe(before[i]);
      else {
        expect(Math.abs(after[i])).toBeLessThan(Math.abs(before[i]));
        expect(Math.sign(after[i])).toBe(Math.sign(before[i]));
        // u = λp, v = 0.05u²: the bias-corrected step is lr/0.1 · sign(p) (Adam normalises the decay).
        expect(after[i]).toBeCloseTo(before[i] - 0.1 * Math.sign(before[i]), 6);
      }
    });
  });

  it("'reference-int-not': both pruned and kept weights move away from 0, kept with twice the numerator", async () => {
    const { before, after, optimizer } = stepOnce("reference-int-not");
    MASK.forEach((_, i) => expect(Math.abs(after[i])).toBeGreaterThan(Math.abs(before[i])));
    // u = −λ·p (pruned) and −2λ·p (kept); the second moment holds 0.05·u², so it is 4× for kept weights.
    const v = (await optimizer.state()).arrays["params.0.exp_avg_sq"];
    MASK.forEach((kept, i) => expect(v[i] / (0.05 * (0.1 * (kept ? 2 : 1) * before[i]) ** 2)).toBeCloseTo(1, 6));
    // With ε dominating the denominator the step is proportional to u: kept weights move twice as far.
    const big = stepOnce("reference-int-not", { eps: 1e3, lr: 1e3, decay: 1e-3 });
    const moved = big.after.map((a, i) => (a - big.before[i]) / big.before[i]);
    const pruned = moved.filter((_, i) => !MASK[i]);
    const kept = moved.filter((_, i) => MASK[i]);
    pruned.forEach((m) => expect(m).toBeCloseTo(pruned[0], 6));
    kept.forEach((m) => expect(m / pruned[0]).toBeCloseTo(2, 4));
    expect(pruned[0]).toBeGreaterThan(0);
  });

  it("'sgd' is the literal Eq. 3: p ← p − lr·(g + λ(1−M)⊙p)", async () => {
    const grad = [0.5, -0.25, 0.125, 1, -1, 0.75, 0, 2];
    const lr = 0.125;
    const decay = 0.5;
    const { after } = stepOnce("sgd", { grad, lr, decay });
    const expected = WEIGHTS.map((p, i) => f(p - lr * (grad[i] + decay * (1 - MASK[i]) * p)));
    expect(after).toEqual(expected);
    // Exact by hand for the first two: kept 0.5 − 0.125·0.5; pruned −1.5 − 0.125·(−0.25 − 0.75).
    expect(after[0]).toBe(0.4375);
    expect(after[1]).toBe(-1.375);
  });

  it("'gradient' equals plain AdamW on g + λ(1−M)⊙p", async () => {
    const grad = [0.5, -0.25, 0.125, 1, -1, 0.75, 0, 2];
    const { after } = stepOnce("gradient", { grad, decay: 0.1 });
    const plain = tensor(WEIGHTS, { shape: [2, 4] }).requireGrad();
    plain.grad = tensor(WEIGHTS.map((p, i) => grad[i] + 0.1 * (1 - MASK[i]) * p), { shape: [2, 4] });
    new AdamW([plain], { weightDecay: 0, betas: [0.9, 0.95] }).step({ lr: 0.01 });
    expect(after).toEqual([...plain.dataSync()]);
  });

  it("decoupled: the loss gradient's first moment excludes the decay", async () => {
    const grad = [0.5, -0.25, 0.125, 1, -1, 0.75, 0, 2];
    const { optimizer } = stepOnce("decoupled", { grad });
    const m = (await optimizer.state()).arrays["params.0.exp_avg"];
    grad.forEach((g, i) => expect(m[i]).toBe(f(0.1 * g)));
  });

  it("λ = 0: both decoupled modes agree, and v tracks μ² (not g²) as in the reference §3.4 step 6", async () => {
    const grad = [0.5, -0.25, 0.125, 1, -1, 0.75, 0.01, 2];
    const decoupled = stepOnce("decoupled", { grad, decay: 0 });
    expect(stepOnce("reference-int-not", { grad, decay: 0 }).after).toEqual(decoupled.after);
    const v = (await decoupled.optimizer.state()).arrays["params.0.exp_avg_sq"];
    grad.forEach((g, i) => expect(v[i] / (0.05 * f(0.1 * g) ** 2)).toBeCloseTo(1, 6));
    // So the first step is lr/(1−β₁)·sign(g), ten times plain AdamW's lr·sign(g) ('gradient' with λ = 0).
    const plain = stepOnce("gradient", { grad, decay: 0 }).after;
    decoupled.after.forEach((a, i) => {
      expect(a).toBeCloseTo(decoupled.before[i] - 0.1 * Math.sign(grad[i]), 5);
      expect(plain[i]).toBeCloseTo(decoupled.before[i] - 0.01 * Math.sign(grad[i]), 5);
    });
  });
});
