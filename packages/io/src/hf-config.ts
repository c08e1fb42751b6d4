import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError } from "@adaptive-sparse/core";
import { writeJsonAtomic } from "./atomic.js";
import { FileFormatError, FileMissingError } from "./errors.js";
import { hasCode } from "./file-io.js";
import { assertGpt2Config, type Gpt2Config } from "./gpt2-config.js";
import { TORCH_DTYPE, type WeightDType } from "./hf-family-config.js";

/** Hugging Face architectures whose weights map onto our GPT-2 (the LM head is tied to wte). */
export const SUPPORTED_HF_ARCHITECTURES: readonly string[] = ["GPT2LMHeadModel", "GPT2Model"];

// nanoGPT's GELU is the tanh approximation, which HF calls gelu_new (gelu_pytorch_tanh is the same formula).
const SUPPORTED_ACTIVATIONS = ["gelu_new", "gelu_pytorch_tanh"];
// nanoGPT's LayerNorm uses eps = 1e-5, as GPT-2 does.
const LAYER_NORM_EPSILON = 1e-5;

/**
 * Reads a Hugging Face GPT-2 `config.json` and maps it to our config: `n_layer` -> nLayer,
 * `n_head` -> nHead, `n_embd` -> nEmbd, `n_positions` -> blockSize, `vocab_size` -> vocabSize,
 * `resid_pdrop` -> dropout (HF's default 0.1 when absent), bias = true.
 *
 * @param folder a folder holding `config.json` (and usually `model.safetensors`).
 * @throws FileMissingError without config.json; FileFormatError for bad JSON; ConfigError for a model
 *   that is not GPT-2 (naming the supported architectures), or settings our GPT-2 does not implement.
 * @example
 * const config = await readHfConfig("models/gpt2"); // { nLayer: 12, nHead: 12, nEmbd: 768, ... }
 */
export async function readHfConfig(folder: string): Promise<Gpt2Config> {
  const { raw, path } = await readConfigJson(folder, "readHfConfig");
  return gpt2ConfigFromHf(raw, `readHfConfig: ${path}`);
}

/**
 * Reads a model folder's `config.json` as plain JSON (the family table picks the mapping by `model_type`).
 * @throws FileMissingError without config.json; FileFormatError for bad JSON or a non-object
 */
export async function readConfigJson(folder: string, caller = "readConfigJson"): Promise<{ raw: Record<string, unknown>; path: string }> {
  const path = join(folder, "config.json");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (!hasCode(error, "ENOENT", "ENOTDIR")) throw error;
    throw new FileMissingError(`${caller}: no config.json in ${folder} (a Hugging Face model folder holds config.json and model.safetensors; check the path)`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new FileFormatError(`${caller}: ${path} is not valid JSON (${(error as Error).message}); fix or re-download it`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new FileFormatError(`${caller}: ${path} holds ${JSON.stringify(raw)}, not a JSON object; fix or re-download it`);
  return { raw: raw as Record<string, unknown>, path };
}

/**
 * Maps a parsed Hugging Face GPT-2 `config.json` to our config (see {@link readHfConfig}); `where` prefixes errors.
 * @throws ConfigError for a model that is not GPT-2 or settings our GPT-2 does not implement
 */
export function gpt2ConfigFromHf(raw: Record<string, unknown>, where: string): Gpt2Config {
  const supported = `supported: model_type "gpt2" with architectures ${SUPPORTED_HF_ARCHITECTURES.join(" or ")}`;
  if (raw.model_type !== "gpt2") throw new ConfigError(`${where}: model_type ${JSON.stringify(raw.model_type)} is not supported (${supported})`);
  const architectures = raw.architectures;
  if (architectures !== undefined && architectures !== null) {
    if (!Array.isArray(architectures) || !architectures.some((a) => SUPPORTED_HF_ARCHITECTURES.includes(a as string))) {
      throw new ConfigError(`${where}: architectures ${JSON.stringify(architectures)} are not supported (${supported})`);
    }
  }
  const activation = raw.activation_function ?? "gelu_new";
  if (!SUPPORTED_ACTIVATIONS.includes(activation as string)) {
    throw new ConfigError(`${where}: activation_function ${JSON.stringify(activation)} is not supported (valid: ${SUPPORTED_ACTIVATIONS.join(", ")})`);
  }
  const epsilon = raw.layer_norm_epsilon ?? LAYER_NORM_EPSILON;
  if (epsilon !== LAYER_NORM_EPSILON) throw new ConfigError(`${where}: layer_norm_epsilon ${String(epsilon)} is not supported (our LayerNorm uses ${LAYER_NORM_EPSILON})`);
  const nEmbd = raw.n_embd as number;
  if (raw.n_inner !== undefined && raw.n_inner !== null && raw.n_inner !== 4 * nEmbd) {
    throw new ConfigError(`${where}: n_inner ${String(raw.n_inner)} is not supported (our MLP width is 4 * n_embd = ${4 * nEmbd}; set n_inner to null)`);
  }
  if (raw.scale_attn_weights === false || raw.scale_attn_by_inverse_layer_idx === true || raw.reorder_and_upcast_attn === true) {
    throw new ConfigError(`${where}: scale_attn_weights=false, scale_attn_by_inverse_layer_idx and reorder_and_upcast_attn change attention and are not supported`);
  }
  for (const key of ["n_layer", "n_head", "n_embd", "n_positions", "vocab_size"]) {
    if (raw[key] === undefined) throw new ConfigError(`${where}: missing "${key}" (a GPT-2 config.json has n_layer, n_head, n_embd, n_positions, vocab_size)`);
  }
  const config: Gpt2Config = {
    nLayer: raw.n_layer as number,
    nHead: raw.n_head as number,
    nEmbd,
    blockSize: raw.n_positions as number,
    vocabSize: raw.vocab_size as number,
    dropout: (raw.resid_pdrop ?? 0.1) as number,
    bias: true,
  };
  assertGpt2Config(config, where);
  return config;
}

/**
 * Writes `config.json` for a GPT-2 in Hugging Face layout (atomically; `torch_dtype` from `weights`, how
 * model.safetensors stores them), so `transformers` loads the
 * folder with `GPT2LMHeadModel.from_pretrained`. Weights written with `bias: false` get zero biases
 * from {@link nativeToHf}, so the config needs no bias key.
 *
 * @throws ConfigError for an invalid config (non-positive sizes, nEmbd not divisible by nHead, ...).
 * @example
 * await writeHfConfig("export/gpt2-24", config);
 */
export async function writeHfConfig(folder: string, config: Gpt2Config, weights: WeightDType = "F32"): Promise<void> {
  assertGpt2Config(config, `writeHfConfig: ${join(folder, "config.json")}`);
  await writeJsonAtomic(join(folder, "config.json"), {
    architectures: ["GPT2LMHeadModel"],
    model_type: "gpt2",
    n_layer: config.nLayer,
    n_head: config.nHead,
    n_embd: config.nEmbd,
    n_positions: config.blockSize,
    n_ctx: config.blockSize,
    vocab_size: config.vocabSize,
    n_inner: null,
    activation_function: "gelu_new",
    layer_norm_epsilon: LAYER_NORM_EPSILON,
    resid_pdrop: config.dropout,
    embd_pdrop: config.dropout,
    attn_pdrop: config.dropout,
    initializer_range: 0.02,
    tie_word_embeddings: true,
    torch_dtype: TORCH_DTYPE[weights],
  });
}
