import { Generator, memory } from "@adaptive-sparse/core";
import { assertIs24, assertNM, computeMaskHost, countNonzeroPerGroup, magnitudeMask } from "@adaptive-sparse/masks";
import { GPT, type SparseLinear } from "@adaptive-sparse/nn";
import { describe, expect, it } from "vitest";
import type { TrainerConfigInput } from "./config.js";
import type { EvalEvent, RefreshEvent, StepEvent, TrainerEvent } from "./events.js";
import { TINY, VALIDATION_TOKENS, mean, modelFrom, pretrainedWeights, sampler } from "./test-helpers.js";
import { train } from "./train.js";
import type { TrainResult } from "./types.js";

const lr = { options: { max: 1e-2, min: 1e-3, warmupSteps: 3 } };
const STEPS = 30;

async function run(config: TrainerConfigInput, student?: GPT, extra?: (event: TrainerEvent) => void): Promise<{ result: TrainResult; events: TrainerEvent[] }> {
  const weights = await pretrainedWeights();
  const events: TrainerEvent[] = [];
  const result = await train({
    config: { steps: STEPS, lr, eval: { every: STEPS }, ...config },
    student: student ?? modelFrom(weights),
    teacher: modelFrom(weights),
    data: { train: sampler(), validation: { val: VALIDATION_TOKENS } },
    onEvent: (event) => {
      events.push(event);
      extra?.(event);
    },
  });
  return { result, events };
}

const of = <T extends TrainerEvent["type"]>(events: TrainerEvent[], type: T) => events.filter((e): e is Extract<TrainerEvent, { type: T }> => e.type === type);

/** Every sparse layer's mask is 2:4 and its weight has at most 2 nonzeros per group (method.md §10.1 item 1). */
async function expectFinal24(result: TrainResult): Promise<void> {
  expect(result.layers).toHaveLength(8);
  for (const { name, layer } of result.layers) {
    const [rows, cols] = layer.weight.shape;
    const mask = (await layer.mask.data()) as Uint8Array;
    assertIs24(mask, rows, cols, name);
    const weight = await layer.weight.data();
    expect(countNonzeroPerGroup(weight, rows, cols, 4).every((count) => count <= 2)).toBe(true);
    expect(mask.every((bit, i) => bit === 1 || weight[i] === 0)).toBe(true); // W = M ⊙ W
  }
  expect(result.summary.sparsity).toBe(0.5);
  expect([...result.model.stateDict().keys()].filter((key) => key.endsWith(".mask"))).toHaveLength(8);
}

/** The sparse model got better with training: final validation perplexity below the one at step 0. */
function expectImproved(events: TrainerEvent[]): void {
  const evals = of(events, "eval");
  const first = evals.find((e) => !e.final)!;
  const last = evals.find((e: EvalEvent) => e.final)!;
  expect(first.step).toBe(0);
  expect(last.perplexity.val).toBeLessThan(first.perplexity.val);
}

describe("train: every method", () => {
  it("dense trains a model from scratch (loss falls) and emits start/step/eval/done in order", async () => {
    const events: TrainerEvent[] = [];
    const result = await train({
      config: { method: "dense", steps: STEPS, lr, optimizer: { weightDecay: 0 } },
      student: new GPT(TINY, { generator: new Generator(0) }),
      data: { train: sampler(3), validation: { val: VALIDATION_TOKENS } },
      onEvent: (event) => void events.push(event),
    });
    expect(result.status).toBe("completed");
    expect(result.layers).toEqual([]);
    expect(result.losses[0]).toBeGreaterThan(3.3); // ≈ ln 32 at init
    expect(mean(result.losses.slice(-5))).toBeLessThan(2.6);
    expect(events.map((e) => e.type)).toEqual(["start", ...Array(STEPS).fill("step"), "eval", "done"]);
    const steps = of(events, "step") as StepEvent[];
    expect(steps.map((e) => e.step)).toEqual([...Array(STEPS).keys()]);
    expect(steps[0]).toMatchObject({ lr: 0, decay: 0, tokens: 4 * 16, losses: { task: result.losses[0], kl: null, layerwise: null } });
    expect(steps[STEPS - 1].tokens).toBe(STEPS * 4 * 16);
    expect(result.summary).toMatchObject({ status: "completed", method: "dense", steps: STEPS, sparsity: 0, checkpoint: null });
  });

  it("dense with a teacher distils (the dense-continued control)", async () => {
    const { result, events } = await run({ method: "dense", steps: 4, distill: { wSq: 0.5 }, eval: { every: 0 } });
    expect(result.layers).toEqual([]);
    for (const step of of(events, "step")) {
      expect(step.losses.kl).toBeGreaterThanOrEqual(0);
      expect(step.losses.layerwise).toBeGreaterThanOrEqual(0);
      expect(step.loss).toBeCloseTo(0.33 * step.losses.task! + 0.67 * step.losses.kl! + 0.5 * step.losses.layerwise!, 5);
    }
    expect(of(events, "step")[0].losses.kl).toBeLessThan(1e-6); // the student starts as the teacher's copy
  });

  it("naive: a fixed magnitude mask, λ ≡ 0, zero flips at every Δt (method.md §6.4, §10.1 item 9)", async () => {
    const { result, events } = await run({ method: "naive", refresh: { every: 5 } });
    const refreshes = of(events, "refresh");
    expect(refreshes.map((e) => e.step)).toEqual([0, 5, 10, 15, 20, 25]);
    for (const e of refreshes) expect([e.flipsPrevious, e.flipsInitial, e.ratioInitial]).toEqual([0, 0, 0]);
    expect(of(events, "step").every((e) => e.decay === 0)).toBe(true);
    await expectFinal24(result);
    expectImproved(events);
  });

  it("gmp: the cubic schedule prunes gradually to exactly 2:4; pruned weights stay zero", async () => {
    const weights = await pretrainedWeights();
    const student = modelFrom(weights);
    const prunedStayZero: boolean[] = [];
    const check = (event: TrainerEvent) => {
      if (event.type !== "step") return;
      const layer = student.getModule("transformer.h.1.mlp.c_fc") as SparseLinear;
      const mask = layer.mask.dataSync();
      const weight = layer.weight.dataSync();
      prunedStayZero.push(mask.every((bit, i) => bit === 1 || weight[i] === 0));
    };
    const { result, events } = await run({ method: "gmp", gmp: { every: 4 } }, student, check);
    const refreshes = of(events, "refresh");
    expect(refreshes.map((e) => e.step)).toEqual([4, 8, 12, 15]); // t₀ = 0 (s = 0, nothing to prune), 4, 8, 12, t₁ = 15
    const prunable = result.layers.reduce((n, { layer }) => n + layer.weight.size, 0);
    const pruned = refreshes.map((e) => e.flipsInitial / prunable);
    expect(pruned[0]).toBeCloseTo(0.5 * (1 - (11 / 15) ** 3), 3);
    for (let i = 1; i < pruned.length; i++) expect(pruned[i]).toBeGreaterThan(pruned[i - 1]);
    expect(refreshes.at(-1)!.flipsInitial).toBe(prunable / 2);
    expect(prunedStayZero).toEqual(Array(STEPS).fill(true));
    await expectFinal24(result);
    expectImproved(events);
  });

  it("imp: 3:4 by magnitude, then 2:4 of the trained survivors, rewound to the pretrained values", async () => {
    const weights = await pretrainedWeights();
    const student = modelFrom(weights);
    const pretrained = weights.get("transformer.h.0.mlp.c_fc.weight")!.data as Float32Array;
    const forwards: { weight: Float32Array; mask: Uint8Array }[] = [];
    const hook = (event: TrainerEvent) => {
      if (event.type !== "start") return;
      const layer = student.getModule("transformer.h.0.mlp.c_fc") as SparseLinear;
      layer.registerForwardHook((module) => {
        if (module.training) forwards.push({ weight: layer.weight.dataSync() as Float32Array, mask: layer.mask.dataSync() as Uint8Array });
      });
    };
    const { result, events } = await run({ method: "imp" }, student, hook);
    const refreshes = of(events, "refresh") as RefreshEvent[];
    expect(refreshes.map((e) => e.step)).toEqual([15]);
    const prunable = result.layers.reduce((n, { layer }) => n + layer.weight.size, 0);
    expect(refreshes[0].flipsPrevious).toBe(prunable / 4); // one more weight of every 4-group
    expect(forwards).toHaveLength(STEPS);
    const [rows, cols] = [128, 32];
    assertNM(forwards[0].mask, rows, cols, { n: 3, m: 4 });
    expect(forwards[0].mask).toEqual(await computeMaskHost(magnitudeMask, { data: pretrained, rows, cols }, { n: 3, m: 4 }));
    assertNM(forwards[15].mask, rows, cols, { n: 2, m: 4 });
    for (const step of [0, 15]) {
      const { weight, mask } = forwards[step];
      expect(weight).toEqual(pretrained.map((w, i) => (mask[i] ? w : 0))); // round starts from the (rewound) pretrained survivors
    }
    for (let i = 0; i < forwards[15].mask.length; i++) if (forwards[15].mask[i]) expect(forwards[14].mask[i]).toBe(1); // 2:4 ⊂ 3:4
    await expectFinal24(result);
    expectImproved(events);
  });

  it("ast (AST-Boosted): refreshes every Δt, decays with λ(t), distils, keeps SLoRB and explicit masks, leaks nothing", async () => {
    const live: number[] = [];
    const { result, events } = await run(
      { method: "ast", refresh: { every: 5 }, decay: { options: { max: 0.2, rampSteps: 15 } }, distill: {}, slorb: { k: 16 } },
      undefined,
      (event) => void (event.type === "step" && live.push(memory().tensors)),
    );
    expect(new Set(live).size).toBe(1); // tensors alive at each step's end: the same count every step
    const refreshes = of(events, "refresh");
    expect(refreshes.map((e) => e.step)).toEqual([0, 5, 10, 15, 20, 25, 30]); // the last one is finalize's
    const steps = of(events, "step");
    expect(steps.map((e) => e.decay)).toEqual(steps.map((e) => 0.2 * Math.min(e.step / 15, 1)));
    expect(steps.every((e) => e.losses.task !== null && e.losses.kl !== null && e.losses.layerwise === null)).toBe(true);
    const keys = [...result.model.stateDict().keys()];
    expect(keys).toContain("transformer.h.1.mlp.c_proj.slorb_s");
    expect(keys).toContain("transformer.h.1.mlp.c_proj.slorb_p");
    expect((result.layers[0].layer as SparseLinear).slorb?.groupSize).toBe(16);
    await expectFinal24(result);
    // finalize refreshed the mask from the final weights: it is their magnitude mask
    for (const { name, layer } of result.layers) {
      const [rows, cols] = layer.weight.shape;
      const mask = await computeMaskHost(magnitudeMask, { data: (await layer.weight.data()) as Float32Array, rows, cols }, { n: 2, m: 4, layerName: name });
      expect(mask).toEqual(await layer.mask.data());
    }
    expectImproved(events);
  });

  it("ast with n:m = 4:8 finalizes to 4:8", async () => {
    const { result } = await run({ method: "ast", steps: 6, sparsity: { n: 4, m: 8 }, refresh: { every: 3 }, decay: { options: { max: 0.1, rampSteps: 3 } }, eval: { every: 0 } });
    for (const { name, layer } of result.layers) {
      const [rows, cols] = layer.weight.shape;
      assertNM((await layer.mask.data()) as Uint8Array, rows, cols, { n: 4, m: 8, layerName: name });
    }
  });
});
