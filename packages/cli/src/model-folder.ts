import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Tokenizer } from "@adaptive-sparse/data";
import { loadGpt2, saveGpt2 } from "@adaptive-sparse/io";
import type { GPT } from "@adaptive-sparse/nn";
import { CliError } from "./errors.js";
import { loadFolderTokenizer, saveFolderTokenizer } from "./tokenizers.js";

export interface ModelFolder {
  readonly model: GPT;
  readonly tokenizer: Tokenizer;
}

/**
 * Loads a model folder in Hugging Face GPT-2 layout (`config.json`, `model.safetensors`) plus our optional
 * `tokenizer.json` (GPT-2 BPE when absent), onto core's default backend.
 */
export async function loadModelFolder(folder: string): Promise<ModelFolder> {
  if (!existsSync(folder)) throw new CliError(`model folder ${folder} does not exist; pass a folder with config.json and model.safetensors`);
  if (!existsSync(join(folder, "config.json"))) {
    throw new CliError(`model folder ${folder} has no config.json; a Hugging Face GPT-2 folder (config.json + model.safetensors) is expected`);
  }
  const [model, tokenizer] = await Promise.all([loadGpt2(folder), loadFolderTokenizer(folder)]);
  if (tokenizer.vocabSize > model.config.vocabSize) {
    throw new CliError(`model folder ${folder}: the tokenizer has ${tokenizer.vocabSize} ids but the model only ${model.config.vocabSize} embeddings`);
  }
  return { model, tokenizer };
}

/** Saves a model folder: weights (pruned places as zeros), config, then the tokenizer file. */
export async function saveModelFolder(folder: string, { model, tokenizer }: ModelFolder, options: { dtype?: "F32" | "F16" } = {}): Promise<void> {
  await saveGpt2(model, folder, options);
  await saveFolderTokenizer(folder, tokenizer);
}
