import { join } from "node:path";
import { ConfigError } from "@adaptive-sparse/core";
import { parseOPTConfig, type OPTConfig } from "@adaptive-sparse/nn";
import { writeJsonAtomic } from "./atomic.js";
import { checkArchitectures, configReader, TORCH_DTYPE, type WeightDType } from "./hf-family-config.js";

/** The OPT architectures our `OPT` runs. */
export const OPT_ARCHITECTURES: readonly string[] = ["OPTForCausalLM", "OPTModel"];

/**
 * Maps an OPT `config.json` to our {@link OPTConfig}. Dropout settings are not carried (our OPT has no
 * dropout; AST retrains without it).
 * @throws ConfigError naming the file and key for anything the architecture does not implement
 */
export function optConfigFromHf(raw: Record<string, unknown>, where: string): OPTConfig {
  if (raw.model_type !== "opt") throw new ConfigError(`${where}: model_type ${JSON.stringify(raw.model_type)} is not "opt"`);
  checkArchitectures(raw, OPT_ARCHITECTURES, where);
  const read = configReader(raw, where);
  read.oneOf("activation_function", ["relu"], "relu", " (every released OPT uses relu)");
  if (!read.bool("layer_norm_elementwise_affine", true)) {
    throw new ConfigError(`${where}: "layer_norm_elementwise_affine" false is not supported (our LayerNorm always has a weight and bias)`);
  }
  const nEmbd = read.int("hidden_size");
  return parseOPTConfig({
    vocabSize: read.int("vocab_size"),
    blockSize: read.int("max_position_embeddings"),
    nLayer: read.int("num_hidden_layers"),
    nEmbd,
    nHead: read.int("num_attention_heads"),
    ffnDim: read.int("ffn_dim"),
    wordEmbedProjDim: read.int("word_embed_proj_dim", nEmbd),
    doLayerNormBefore: read.bool("do_layer_norm_before", true),
    enableBias: read.bool("enable_bias", true),
    removeFinalLayerNorm: read.bool("_remove_final_layer_norm", false),
    tieWordEmbeddings: read.bool("tie_word_embeddings", true),
  });
}

/** Our {@link OPTConfig} as a Hugging Face `config.json` object. */
export function optConfigToHf(config: OPTConfig, weights: WeightDType = "F32"): Record<string, unknown> {
  return {
    architectures: ["OPTForCausalLM"],
    model_type: "opt",
    vocab_size: config.vocabSize,
    max_position_embeddings: config.blockSize,
    hidden_size: config.nEmbd,
    word_embed_proj_dim: config.wordEmbedProjDim,
    num_hidden_layers: config.nLayer,
    num_attention_heads: config.nHead,
    ffn_dim: config.ffnDim,
    do_layer_norm_before: config.doLayerNormBefore,
    _remove_final_layer_norm: config.removeFinalLayerNorm,
    enable_bias: config.enableBias,
    layer_norm_elementwise_affine: true,
    activation_function: "relu",
    dropout: 0,
    attention_dropout: 0,
    tie_word_embeddings: config.tieWordEmbeddings,
    torch_dtype: TORCH_DTYPE[weights],
  };
}

/** Writes `config.json` for an OPT config (atomically). */
export async function writeOptConfig(folder: string, config: OPTConfig, weights?: WeightDType): Promise<void> {
  await writeJsonAtomic(join(folder, "config.json"), optConfigToHf(config, weights));
}
