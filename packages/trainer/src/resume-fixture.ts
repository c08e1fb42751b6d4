// Shared by resume.test.ts and resume-child.ts (the resumed run in a separate process); not exported.
import { tensor } from "@adaptive-sparse/core";
import type { LoadedTensor, TypedArrayTensor } from "@adaptive-sparse/io";
import { GPT, type GPTConfigInput } from "@adaptive-sparse/nn";
import type { TrainerConfigInput } from "./config.js";
import { TINY, TRAIN_TOKENS, sampler } from "./test-helpers.js";
import type { TrainData } from "./types.js";

/** The tiny GPT with dropout, so the resumed run must also restore the dropout RNG. */
export const RESUME_MODEL: GPTConfigInput = { ...TINY, dropout: 0.1 };

/**
 * A run touching every piece of resumable state: Wanda masks (calibration statistics), SLoRB, the
 * flip-rate controller, gradient accumulation, KL + layerwise distillation, dropout.
 */
export const RESUME_CONFIG: TrainerConfigInput = {
  method: "ast",
  steps: 12,
  gradAccum: 2,
  lr: { options: { max: 1e-2, min: 1e-3, warmupSteps: 3 } },
  refresh: { every: 3 },
  decay: { schedule: "flip-target", options: { initialLambda: 0.05, rampSteps: 8, startFlipRate: 0.02, endFlipRate: 0.002 } },
  mask: { strategy: "wanda", calibration: { windows: 8, seed: 5 } },
  distill: { wTask: 0.5, wKL: 0.5, wSq: 0.1 },
  slorb: { k: 16 },
};

export function resumeData(): TrainData {
  return { train: sampler(11, 2), calibration: TRAIN_TOKENS };
}

/** A model's state dict as host tensors (for safetensors). */
export async function hostTensors(model: GPT): Promise<Record<string, TypedArrayTensor>> {
  const out: Record<string, TypedArrayTensor> = {};
  for (const [name, value] of model.stateDict()) out[name] = { shape: [...value.shape], data: (await value.data()) as Float32Array | Uint8Array };
  return out;
}

/** A dense RESUME_MODEL holding the given weights. */
export function modelFromHost(tensors: ReadonlyMap<string, LoadedTensor>): GPT {
  const model = new GPT(RESUME_MODEL);
  const state = new Map([...tensors].map(([name, value]) => [name, tensor(value.data as Float32Array, { shape: value.shape })]));
  model.loadStateDict(state);
  for (const value of state.values()) value.dispose();
  return model;
}
