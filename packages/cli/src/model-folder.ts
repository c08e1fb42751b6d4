import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Tokenizer } from "@adaptive-sparse/data";
import { loadModel, MODEL_FAMILIES, saveModel, type SaveModelOptions } from "@adaptive-sparse/io";
import type { CausalLM } from "@adaptive-sparse/nn";
import type { Backend, Registry } from "@adaptive-sparse/core";
import { CliError } from "./errors.js";
import { loadFolderTokenizer, saveFolderTokenizer, TOKENIZER_FILE } from "./tokenizers.js";

export interface ModelFolder {
  readonly model: CausalLM;
  readonly tokenizer: Tokenizer;
  /** The folder it was loaded from (a Hugging Face tokenizer's files are copied from there on save). */
  readonly source?: string;
}

/** What to do when a folder's tokenizer has more ids than the model has embeddings. */
function vocabularyMismatch(folder: string, tokenizer: Tokenizer, embeddings: number): CliError {
  const file = join(folder, TOKENIZER_FILE);
  const what = existsSync(file) ? `its ${TOKENIZER_FILE} (${tokenizer.name})` : "GPT-2's BPE (the folder has no tokenizer.json)";
  return new CliError(
    `model folder ${folder}: the tokenizer has ${tokenizer.vocabSize} ids but the model only ${embeddings} embeddings, so ${what} does not belong to this model. ` +
      `Put the tokenizer the model was trained with in the folder: the tokenizer.json (and tokenizer_config.json) from the model's Hugging Face repository, ` +
      `or the tokenizer.json that pretrain wrote next to the model`,
  );
}

/**
 * Loads a Hugging Face model folder (`config.json`, `model.safetensors`; any family of io's table) plus our
 * optional `tokenizer.json` (GPT-2 BPE when absent), onto `options.backend` (core's default when omitted).
 */
export async function loadModelFolder(folder: string, registry?: Registry, options: { backend?: Backend } = {}): Promise<ModelFolder> {
  if (!existsSync(folder)) throw new CliError(`model folder ${folder} does not exist; pass a folder with config.json and model.safetensors`);
  if (!existsSync(join(folder, "config.json"))) {
    throw new CliError(`model folder ${folder} has no config.json; a Hugging Face folder (config.json + model.safetensors; model_type ${[...MODEL_FAMILIES.keys()].join(", ")}) is expected`);
  }
  const [model, tokenizer] = await Promise.all([loadModel(folder, { backend: options.backend }), loadFolderTokenizer(folder, registry)]);
  if (tokenizer.vocabSize > model.config.vocabSize) throw vocabularyMismatch(folder, tokenizer, model.config.vocabSize);
  return { model, tokenizer, source: folder };
}

/** Saves a model folder: weights (pruned places as zeros), config, then the tokenizer file. */
export async function saveModelFolder(folder: string, { model, tokenizer, source }: ModelFolder, options: SaveModelOptions = {}): Promise<void> {
  await saveModel(model, folder, options);
  await saveFolderTokenizer(folder, tokenizer, source);
}
