import { ConfigError } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { configHash } from "./config-hash.js";
import { parseTrainerConfig, type TrainerConfigInput } from "./config.js";

function error(config: unknown): string {
  try {
    parseTrainerConfig(config as TrainerConfigInput);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("parseTrainerConfig", () => {
  it("fills the reference defaults (method.md §0.4)", () => {
    const config = parseTrainerConfig({ method: "ast", steps: 100 });
    expect(config.optimizer).toEqual({ betas: [0.9, 0.95], eps: 1e-8, weightDecay: 0.1, clip: 1 });
    expect(config.sparsity).toEqual({ n: 2, m: 4 });
    expect(config.lr.schedule).toBe("warmup-cosine");
    expect(config.decay).toEqual({ schedule: "linear-ramp", options: {}, mode: "decoupled" });
    expect(config.mask).toEqual({ strategy: "magnitude", options: {}, calibration: { windows: 128, seed: 0, batchSize: 8 } });
    expect(config.refresh).toEqual({ every: 10, phase: "after-step" });
    expect(config.imp).toEqual({ rounds: 2, rewind: true });
    expect(config.gmp).toEqual({ startFraction: 0, endFraction: 0.5, every: 100 });
    expect(config.distill).toBeNull();
    expect(config.slorb).toBeNull();
    expect(config.gradAccum).toBe(1);
    expect(config.log).toEqual({ every: 10, values: "every-step" });
    expect(error({ method: "ast", steps: 1, log: { every: 0 } })).toMatch(/log.*every/);
    expect(error({ method: "ast", steps: 1, log: { values: "sometimes" } })).toMatch(/log.*values/);
  });

  it("fills distillation and SLoRB defaults when the sections are given", () => {
    const config = parseTrainerConfig({ method: "ast", steps: 1, distill: {}, slorb: {} });
    expect(config.distill).toEqual({
      wTask: 0.33,
      wKL: 0.67,
      wSq: 0,
      temperature: 2,
      task: { loss: "ce", options: {} },
      kl: { loss: "kl", options: {} },
      layerwise: { loss: "layerwise", options: {} },
    });
    expect(config.slorb).toEqual({ k: 16, init: "mean", trainableProjection: true });
  });

  it("names an unknown key with its section and that section's valid keys", () => {
    expect(error({ method: "ast", steps: 10, mask: { calibration: { window: 3 } } })).toBe(
      'trainer config.mask.calibration: invalid options: unknown option "window" (valid options: windows, seed, blockSize, batchSize)',
    );
    expect(error({ method: "ast", steps: 1, typo: 1 })).toMatch(/unknown option "typo" \(valid options: method, steps, batchSize, gradAccum/);
    expect(error({ method: "ast", steps: 1, slorb: { rank: 4 } })).toMatch(/config\.slorb: .*unknown option "rank" \(valid options: k, init, trainableProjection\)/);
  });

  it("rejects N >= M naming both values", () => {
    expect(error({ method: "ast", steps: 1, sparsity: { n: 4, m: 4 } })).toMatch(/sparsity\.n: n=4 must be smaller than m=4/);
    expect(error({ method: "ast", steps: 1, sparsity: { n: 5, m: 4 } })).toMatch(/n=5 must be smaller than m=4/);
  });

  it("rejects other impossible settings", () => {
    expect(error({ method: "x" })).toMatch(/method: .*"dense"\|"one-shot"\|"naive"\|"imp"\|"gmp"\|"ast"/);
    expect(error({ method: "naive" })).toMatch(/steps: method "naive" trains, so set steps >= 1/);
    expect(error({ method: "ast", steps: 1, checkpoint: { every: 3 } })).toMatch(/checkpoint\.every: needs checkpoint\.dir/);
    expect(error({ method: "ast", steps: 1, distill: { wTask: 0, wKL: 0 } })).toMatch(/every loss weight is 0/);
    expect(error({ method: "gmp", steps: 10, gmp: { startFraction: 0.5, endFraction: 0.5 } })).toMatch(/gmp\.endFraction: must be greater than startFraction/);
    expect(error({ method: "imp", steps: 1 })).toMatch(/imp splits steps over 2 rounds/);
    expect(error({ method: "ast", steps: 1, decay: { mode: "l2" } })).toMatch(/decay\.mode/);
    expect(error({ method: "ast", steps: 1, refresh: { every: 0 } })).toMatch(/refresh\.every/);
  });

  it("accepts one-shot without steps", () => {
    expect(parseTrainerConfig({ method: "one-shot" }).steps).toBe(0);
  });

  it("hashes what determines the computation, not where checkpoints go", () => {
    const a = parseTrainerConfig({ method: "ast", steps: 10, checkpoint: { dir: "a" }, eval: { every: 5 }, log: { every: 1 } });
    const b = parseTrainerConfig({ method: "ast", steps: 10 });
    const c = parseTrainerConfig({ method: "ast", steps: 11 });
    expect(configHash(a)).toBe(configHash(b));
    expect(configHash(a)).not.toBe(configHash(c));
    expect(configHash(a)).toMatch(/^[0-9a-f]{64}$/);
  });
});
