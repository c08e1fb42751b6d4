import { ConfigError, Generator, UnknownPluginError } from "@adaptive-sparse/core";
import { GPT, sparseLayers } from "@adaptive-sparse/nn";
import { describe, expect, it } from "vitest";
import type { TrainerConfigInput } from "./config.js";
import { createDefaultRegistry } from "./default-registry.js";
import { TrainerError } from "./errors.js";
import { TINY, sampler } from "./test-helpers.js";
import { train } from "./train.js";
import type { TrainData } from "./types.js";
import { validateSetup } from "./validate-setup.js";

const registry = createDefaultRegistry();
const student = new GPT(TINY, { generator: new Generator(0) });
const teacher = new GPT(TINY, { generator: new Generator(1) });
const lr = { options: { max: 1e-3, min: 1e-4, warmupSteps: 2 } };
const decay = { options: { max: 1e-2, rampSteps: 5 } };
const ast = (extra: Partial<TrainerConfigInput> = {}): TrainerConfigInput => ({ method: "ast", steps: 10, lr, decay, ...extra });

function failure(config: TrainerConfigInput, inputs: { teacher?: GPT | null; student?: GPT; data?: TrainData } = {}): Error {
  try {
    validateSetup(config, { student: inputs.student ?? student, teacher: "teacher" in inputs ? inputs.teacher : teacher, registry, data: inputs.data });
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected validateSetup to throw");
}

describe("validateSetup", () => {
  it("passes a complete AST-Boosted setup and resolves its plugins", () => {
    const { config, plugins } = validateSetup(ast({ distill: {}, slorb: {} }), { student, teacher, registry, data: { train: sampler() } });
    expect(config.slorb?.k).toBe(16);
    expect(plugins.lr!(2)).toBeCloseTo(1e-3);
    expect(plugins.decay!.value(5)).toBeCloseTo(1e-2);
    expect(plugins.mask!.strategy.name).toBe("magnitude");
    expect(plugins.losses!.needsTeacher).toBe(true);
    expect(plugins.losses!.needsHidden).toBe(false);
  });

  it("rejects N >= M", () => {
    const e = failure(ast({ sparsity: { n: 2, m: 2 } }));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toMatch(/n=2 must be smaller than m=2/);
  });

  it("names the layer whose input width m does not divide", () => {
    const e = failure(ast({ sparsity: { n: 1, m: 3 } }));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toMatch(/m=3 does not divide the input width 32 of layer "transformer\.h\.0\.attn\.c_attn"/);
  });

  it("names the layer whose input width SLoRB's k does not divide", () => {
    const e = failure(ast({ slorb: { k: 64 } }));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toMatch(/slorb\.k: k=64 does not divide the input width 32 of layer "transformer\.h\.0\.attn\.c_attn"/);
  });

  it("lists the registered names for an unknown mask strategy, schedule or loss", () => {
    const mask = failure(ast({ mask: { strategy: "magnitud" } }));
    expect(mask).toBeInstanceOf(UnknownPluginError);
    expect(mask.message).toMatch(/mask\.strategy: .*unknown mask "magnitud"; registered mask names: magnitude, random, sparsegpt, wanda/);
    const schedule = failure(ast({ lr: { schedule: "cosin", options: {} } }));
    expect(schedule.message).toMatch(/lr\.schedule: .*unknown schedule "cosin"; registered schedule names: constant, cosine, linear-ramp, relative-ramp, step, warmup-cosine/);
    const loss = failure(ast({ distill: { kl: { loss: "reverse-kl" } } }));
    expect(loss.message).toMatch(/distill\.kl\.loss: .*unknown loss "reverse-kl"; registered loss names: ce, kl, layerwise/);
    const source = failure(ast({ decay: { schedule: "linear" } }));
    expect(source).toBeInstanceOf(UnknownPluginError);
    expect(source.message).toMatch(/unknown decay source "linear"; registered schedules: .*linear-ramp.*; registered decay controllers: flip-target/);
  });

  it("checks every plugin's options with its own schema before any compute", () => {
    expect(failure(ast({ lr: { options: { max: 1e-3 } } })).message).toMatch(/trainer config lr\.options: schedule "warmup-cosine": invalid options: .*min/);
    expect(failure(ast({ mask: { options: { patern: "nm" } } })).message).toMatch(/mask\.options \(mask "magnitude"\).*unknown option "patern" \(valid options: pattern, sparsity\)/);
    expect(failure(ast({ distill: { kl: { options: { temperature: -1 } } } })).message).toMatch(/distill\.kl\.options: .*temperature/);
    expect(failure(ast({ decay: { options: { max: 1e-2 } } })).message).toMatch(/decay\.options: schedule "linear-ramp": .*rampSteps/);
  });

  it("rejects a teacher whose vocabulary or block size differs, naming both values", () => {
    const wide = new GPT({ ...TINY, vocabSize: 64 });
    expect(failure(ast({ distill: {} }), { teacher: wide }).message).toMatch(/teacher vocabSize 64 differs from the student's 32/);
    const long = new GPT({ ...TINY, blockSize: 32 });
    expect(failure(ast({ distill: {} }), { teacher: long }).message).toMatch(/teacher blockSize 32 differs from the student's 16/);
    const narrow = new GPT({ ...TINY, nEmbd: 16 });
    expect(failure(ast({ distill: { wSq: 1 } }), { teacher: narrow }).message).toMatch(/teacher's nEmbd is 16 and the student's 32/);
  });

  it("asks for a teacher when a weighted loss reads one", () => {
    expect(failure(ast({ distill: {} }), { teacher: null }).message).toMatch(/no teacher was given; pass teacher/);
    expect(() => validateSetup(ast({ distill: { wKL: 0, wTask: 1 } }), { student, registry })).not.toThrow();
  });

  it("checks the data against the model and the strategy", () => {
    expect(failure(ast(), { data: {} })).toBeInstanceOf(TrainerError);
    expect(failure(ast(), { data: {} }).message).toMatch(/needs data\.train/);
    expect(failure(ast({ batchSize: 8 }), { data: { train: sampler() } }).message).toMatch(/batchSize: 8 differs from data\.train's batchSize 4/);
    expect(failure(ast({ mask: { strategy: "wanda" } }), { data: { train: sampler() } }).message).toMatch(/mask "wanda" needs calibration activations, but data\.calibration is missing/);
    expect(failure(ast(), { data: { train: sampler(), validation: { short: new Uint16Array(5) } } }).message).toMatch(/validation set "short" has 5 tokens/);
  });

  it("rejects settings a method cannot use", () => {
    expect(failure({ method: "imp", steps: 10, lr, mask: { strategy: "wanda" } }).message).toMatch(/method "imp" prunes by magnitude/);
    expect(failure({ method: "dense", steps: 10, lr, slorb: {} }).message).toMatch(/method "dense" has none/);
  });

  it("runs inside train() before any compute: no event, the student untouched", async () => {
    const events: unknown[] = [];
    const model = new GPT(TINY);
    await expect(train({ config: ast({ mask: { strategy: "nope" } }), student: model, data: { train: sampler() }, onEvent: (e) => void events.push(e) })).rejects.toThrow(UnknownPluginError);
    expect(events).toEqual([]);
    expect(sparseLayers(model)).toEqual([]);
  });
});
