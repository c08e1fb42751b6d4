import { ConfigError, Tensor, add, arange, groupTopK, noGrad, sub, tidy, validateOptions, zeros } from "@adaptive-sparse/core";
import { assertIs24, hostWeight, magnitudeScores, nmMaskFromScores, type MaskStrategy } from "@adaptive-sparse/masks";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createDefaultRegistry } from "./default-registry.js";
import type { RefreshEvent, TrainerEvent } from "./events.js";
import { TRAIN_TOKENS, modelFrom, pretrainedWeights, sampler } from "./test-helpers.js";
import { train } from "./train.js";

const stripeOptions = z.strictObject({ offset: z.union([z.literal(0), z.literal(1)]).default(0) });

/**
 * Keeps columns offset and offset + 2 of every 4-group, whatever the weights: a fixed 2:4 stripe, computed
 * on the weight's backend (scores from core ops, selection by groupTopK; nothing read back).
 */
const stripes: MaskStrategy<z.input<typeof stripeOptions>> = {
  name: "stripes",
  apiVersion: 1,
  description: "Keep every other column of each group (a data-free 2:4 pattern).",
  options: stripeOptions,
  compute(weight, context, options) {
    const { offset } = validateOptions('mask "stripes"', stripeOptions, options);
    const [rows, cols] = weight.shape;
    return noGrad(() =>
      tidy(() => {
        // Column c scores 1 when c mod 2 == offset (the 2:4 stripe for m = 4): the pair [0, 1] (or [1, 0]) broadcast over every row and pair of columns.
        const ramp = arange(0, 2, 1, { dtype: "f32", backend: weight.backend }); // [0, 1]
        const pair = offset === 1 ? ramp : sub(1, ramp);
        const scores = add(zeros([rows, cols / 2, 2], { backend: weight.backend }), pair).reshape([rows, cols]);
        return groupTopK(scores, context.n, context.m);
      }),
    );
  },
};

/**
 * Magnitude weighted by the calibration activations (Wanda-like) on a host view: it reads the weight and
 * the statistic once per call and returns a Uint8Array (the trainer uploads it). Shows that custom
 * strategies get statistics and that host strategies still work.
 */
const seen: number[] = [];
const activationAware: MaskStrategy = {
  name: "activation-aware",
  apiVersion: 1,
  description: "|W| times the input norm (needs activations).",
  options: z.strictObject({}),
  needs: { activations: true },
  async compute(weight, context) {
    const host = await hostWeight(weight);
    const a = context.inputNormSq!;
    const norms = Tensor.isTensor(a) ? await a.data() : a;
    seen.push(norms.length);
    const scores = magnitudeScores(host).map((s, i) => s * Math.sqrt(norms[i % host.cols]));
    return nmMaskFromScores(scores, host.rows, host.cols, context);
  },
};

describe("a custom mask strategy, registered and chosen by name", () => {
  it("trains end to end through the trainer config (initial mask, refreshes, finalize)", async () => {
    const registry = createDefaultRegistry();
    registry.register("mask", "stripes", stripes);
    const weights = await pretrainedWeights();
    const events: TrainerEvent[] = [];
    const result = await train({
      config: {
        method: "ast",
        steps: 8,
        lr: { options: { max: 1e-2, min: 1e-3, warmupSteps: 2 } },
        decay: { options: { max: 0.1, rampSteps: 4 } },
        refresh: { every: 3 },
        mask: { strategy: "stripes", options: { offset: 1 } },
      },
      registry,
      student: modelFrom(weights),
      data: { train: sampler() },
      onEvent: (event) => void events.push(event),
    });
    const refreshes = events.filter((e): e is RefreshEvent => e.type === "refresh");
    expect(refreshes.map((e) => e.step)).toEqual([0, 3, 6, 8]);
    expect(refreshes.every((e) => e.flipsPrevious === 0 && e.flipsInitial === 0)).toBe(true); // the stripe never moves
    expect(result.losses.every(Number.isFinite)).toBe(true);
    for (const { name, layer } of result.layers) {
      const [rows, cols] = layer.weight.shape;
      const mask = (await layer.mask.data()) as Uint8Array;
      assertIs24(mask, rows, cols, name);
      expect([...mask.subarray(0, 8)]).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
    }
  });

  it("has its options checked by its own schema before any compute", async () => {
    const registry = createDefaultRegistry();
    registry.register("mask", "stripes", stripes);
    const events: TrainerEvent[] = [];
    const run = train({
      config: { method: "naive", steps: 2, lr: { options: { max: 1e-3, min: 0, warmupSteps: 1 } }, mask: { strategy: "stripes", options: { offset: 2 } } },
      registry,
      student: modelFrom(await pretrainedWeights()),
      data: { train: sampler() },
      onEvent: (event) => void events.push(event),
    });
    await expect(run).rejects.toThrow(ConfigError);
    await expect(run).rejects.toThrow(/mask\.options \(mask "stripes"\).*offset/);
    expect(events).toEqual([]);
  });

  it("receives calibration statistics when it declares needs.activations", async () => {
    const registry = createDefaultRegistry();
    registry.register("mask", "activation-aware", activationAware);
    seen.length = 0;
    const result = await train({
      config: { method: "naive", steps: 2, lr: { options: { max: 1e-3, min: 0, warmupSteps: 1 } }, mask: { strategy: "activation-aware", calibration: { windows: 4 } } },
      registry,
      student: modelFrom(await pretrainedWeights()),
      data: { train: sampler(), calibration: TRAIN_TOKENS },
    });
    expect(seen).toEqual([32, 32, 32, 128, 32, 32, 32, 128]); // each layer's input width
    expect(result.summary.sparsity).toBe(0.5);
  });
});
