// Helpers shared by this package's tests; not exported from index.ts.
import { Generator, tensor } from "@adaptive-sparse/core";
import { createWindowSampler, type WindowSampler } from "@adaptive-sparse/data";
import { GPT, type GPTConfigInput } from "@adaptive-sparse/nn";
import { train } from "./train.js";

/** The tiny GPT every test uses (~27k parameters; a step of batch 4 takes ~0.1 s on the cpu backend). */
export const TINY: GPTConfigInput = { nLayer: 2, nHead: 2, nEmbd: 32, blockSize: 16, vocabSize: 32 };

/**
 * A learnable token stream: a Markov chain where token t is followed by (3t + 1) mod V with probability
 * 0.7, by (5t + 2) mod V with 0.2, and by a uniform token otherwise.
 */
export function markovTokens(length: number, seed: number, vocabSize = 32): Uint16Array {
  const g = new Generator(seed);
  const tokens = new Uint16Array(length);
  let t = 0;
  for (let i = 0; i < length; i++) {
    tokens[i] = t;
    const u = g.uniform();
    t = u < 0.7 ? (3 * t + 1) % vocabSize : u < 0.9 ? (5 * t + 2) % vocabSize : g.integer(vocabSize);
  }
  return tokens;
}

export const TRAIN_TOKENS = markovTokens(6000, 1);
export const VALIDATION_TOKENS = markovTokens(400, 2);

/** A training sampler over {@link TRAIN_TOKENS}. */
export function sampler(seed = 7, batchSize = 4, blockSize = 16): WindowSampler {
  return createWindowSampler(TRAIN_TOKENS, { blockSize, batchSize, seed });
}

/** Host copies of a model's state dict. */
export type Snapshot = Map<string, { shape: readonly number[]; dtype: "f32" | "u8"; data: Float32Array | Uint8Array }>;

export async function snapshot(model: GPT): Promise<Snapshot> {
  const out: Snapshot = new Map();
  for (const [name, value] of model.stateDict()) {
    out.set(name, { shape: [...value.shape], dtype: value.dtype as "f32" | "u8", data: (await value.data()) as Float32Array | Uint8Array });
  }
  return out;
}

/** A fresh dense GPT holding `weights` (dense entries only). */
export function modelFrom(weights: Snapshot, config: GPTConfigInput = TINY): GPT {
  const model = new GPT(config, { generator: new Generator(0) });
  const state = new Map([...weights].map(([name, value]) => [name, tensor(value.data, { shape: value.shape, dtype: value.dtype })]));
  model.loadStateDict(state);
  for (const value of state.values()) value.dispose();
  return model;
}

let pretrained: Promise<Snapshot> | null = null;

/**
 * The dense "pretrained" model of the tests: TINY trained for 30 dense steps on the Markov stream
 * (loss ≈ 3.47 → ≈ 1.7). Computed once per test file.
 */
export function pretrainedWeights(): Promise<Snapshot> {
  pretrained ??= (async () => {
    const model = new GPT(TINY, { generator: new Generator(0) });
    await train({
      config: { method: "dense", steps: 30, lr: { options: { max: 2e-2, min: 2e-3, warmupSteps: 3 } }, optimizer: { weightDecay: 0 } },
      student: model,
      data: { train: sampler(99) },
    });
    return snapshot(model);
  })();
  return pretrained;
}

/** Mean of a slice. */
export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
