import { readFileSync } from "node:fs";
import { tensor, type Tensor } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { AdamW } from "./adamw.js";
import { clipGradNorm } from "./clip-grad-norm.js";
import type { DecayMode } from "./types.js";

/** Written by fixtures/make_fixtures.py (PyTorch 1.13). */
interface Fixture {
  shapes: Record<string, number[]>;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  lrs: number[];
  decays: number[];
  init: Record<string, number[]>;
  grads: Record<string, number[]>[];
  mask: number[];
  torch: { name: string; clip: boolean; allRanks: boolean; steps: { norm: number | null; params: Record<string, number[]> }[] }[];
  masked: {
    name: string;
    mode: DecayMode;
    steps: { params: Record<string, number[]> }[];
    finalState: Record<string, { step: number; expAvg: number[]; expAvgSq: number[] }>;
  }[];
}

const fixture = JSON.parse(readFileSync(new URL("../fixtures/optim.json", import.meta.url), "utf8")) as Fixture;
const NAMES = Object.keys(fixture.shapes);

function makeParams(): Record<string, Tensor> {
  return Object.fromEntries(NAMES.map((name) => [name, tensor(fixture.init[name], { shape: fixture.shapes[name] }).requireGrad()]));
}

function setGrads(params: Record<string, Tensor>, step: number): void {
  for (const name of NAMES) {
    params[name].zeroGrad();
    params[name].grad = tensor(fixture.grads[step][name], { shape: fixture.shapes[name] });
  }
}

/** Relative error within 1e-5 (absolute 1e-7 near zero). */
function expectClose(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    if (error > 1e-5 * Math.abs(expected[i]) + 1e-7) expect.fail(`${what}[${i}]: got ${actual[i]}, torch ${expected[i]} (error ${error})`);
  }
}

describe.each(fixture.torch)("torch.optim.AdamW fixture $name", (data) => {
  it("matches torch for 3 steps within 1e-5 relative", () => {
    const params = makeParams();
    const optimizer = new AdamW(Object.values(params), {
      betas: fixture.betas,
      eps: fixture.eps,
      weightDecay: fixture.weightDecay,
      weightDecayMinRank: data.allRanks ? 0 : 2,
    });
    data.steps.forEach((expected, step) => {
      setGrads(params, step);
      if (data.clip) expect(clipGradNorm(optimizer.params, 1.0)!.item() / expected.norm!).toBeCloseTo(1, 6);
      optimizer.step({ lr: fixture.lrs[step] });
      for (const name of NAMES) expectClose(params[name].dataSync(), expected.params[name], `step ${step} ${name}`);
    });
  });
});

describe.each(fixture.masked)("AST masked AdamW fixture $name", (data) => {
  it("matches the re-implemented reference update for 3 steps within 1e-5 relative", async () => {
    const params = makeParams();
    const mask = tensor(fixture.mask, { shape: fixture.shapes.w1, dtype: "u8" });
    const optimizer = new AdamW([{ params: [{ param: params.w1, mask }, params.b1, params.w2] }], {
      betas: fixture.betas,
      eps: fixture.eps,
      weightDecay: fixture.weightDecay,
      decayMode: data.mode,
    });
    data.steps.forEach((expected, step) => {
      setGrads(params, step);
      optimizer.step({ lr: fixture.lrs[step], decay: fixture.decays[step] });
      for (const name of NAMES) expectClose(params[name].dataSync(), expected.params[name], `step ${step} ${name}`);
    });
    const { meta, arrays } = await optimizer.state();
    NAMES.forEach((name, i) => {
      expect(meta.params[i].step).toBe(data.finalState[name].step);
      expectClose(arrays[`params.${i}.exp_avg`], data.finalState[name].expAvg, `${name} exp_avg`);
      expectClose(arrays[`params.${i}.exp_avg_sq`], data.finalState[name].expAvgSq, `${name} exp_avg_sq`);
    });
  });
});

it("the masked fixtures differ from each other (the decay placement matters)", () => {
  const final = (mode: DecayMode) => fixture.masked.find((c) => c.mode === mode)!.steps[2].params.w1;
  expect(final("decoupled")).not.toEqual(final("reference-int-not"));
  expect(final("decoupled")).not.toEqual(final("gradient"));
});
