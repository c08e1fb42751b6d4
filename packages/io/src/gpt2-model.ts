import { ConfigError } from "@adaptive-sparse/core";
import { GPT } from "@adaptive-sparse/nn";
import { loadModel, saveModel, type LoadModelOptions, type SaveModelOptions } from "./load-model.js";

/**
 * Loads a Hugging Face GPT-2 folder (`config.json` + `model.safetensors`, Conv1D weights, tied head) as our
 * GPT on `options.backend` (core's default backend when omitted). A thin alias of {@link loadModel} for
 * code that wants the concrete class.
 * @example const model = await loadGpt2("models/gpt2", { backend });
 * @throws ConfigError for a missing or non-GPT-2 config; StateDictError for missing or mis-shaped tensors.
 */
export async function loadGpt2(folder: string, options: LoadModelOptions = {}): Promise<GPT> {
  const model = await loadModel(folder, options);
  if (!(model instanceof GPT)) throw new ConfigError(`loadGpt2: ${folder} holds a "${model.modelType}" model, not GPT-2; use loadModel(folder) for any family`);
  return model;
}

/** Options of {@link saveGpt2}. */
export type SaveGpt2Options = SaveModelOptions;

/**
 * Writes `model` as a Hugging Face GPT-2 folder that transformers loads unchanged: {@link saveModel}
 * (sparse layers as M ⊙ W, weights before `config.json`, each atomically; reads are async, so it works
 * on every backend).
 * @throws StateDictError when the model has SLoRB branches (use the compressed 2:4 export).
 */
export async function saveGpt2(model: GPT, folder: string, options: SaveGpt2Options = {}): Promise<void> {
  await saveModel(model, folder, options);
}
