import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";

const positiveInt = z.number().int().positive();

/** Schema of an OPT config (Hugging Face's `OPTConfig` keys camelCased; io maps `config.json` onto it). */
export const optConfigSchema = z
  .strictObject({
    vocabSize: positiveInt,
    /** `max_position_embeddings` (the position table has 2 more rows: OPT's offset). */
    blockSize: positiveInt,
    /** `num_hidden_layers`. */
    nLayer: positiveInt,
    /** `hidden_size`. */
    nEmbd: positiveInt,
    /** `num_attention_heads`; must divide nEmbd. */
    nHead: positiveInt,
    /** `ffn_dim`: the ReLU MLP's width. */
    ffnDim: positiveInt,
    /** `word_embed_proj_dim` (default nEmbd); OPT-350M embeds in 512 and projects in/out of 1024. */
    wordEmbedProjDim: positiveInt.optional(),
    /** `do_layer_norm_before`: pre-LN (true, most OPTs) or post-LN (false, OPT-350M). */
    doLayerNormBefore: z.boolean().default(true),
    /** `enable_bias`: biases on every Linear. */
    enableBias: z.boolean().default(true),
    /** `_remove_final_layer_norm` (some converted checkpoints drop the decoder's final LayerNorm). */
    removeFinalLayerNorm: z.boolean().default(false),
    /** `tie_word_embeddings` (every released OPT ties the LM head to embed_tokens). */
    tieWordEmbeddings: z.boolean().default(true),
  })
  .transform((c) => ({ ...c, wordEmbedProjDim: c.wordEmbedProjDim ?? c.nEmbd }))
  .refine((c) => c.nEmbd % c.nHead === 0, { message: "nEmbd must be a multiple of nHead (each head gets nEmbd / nHead features)", path: ["nEmbd"] });

/** An OPT config as written by users. */
export type OPTConfigInput = z.input<typeof optConfigSchema>;
/** A validated OPT config with every default filled in. */
export type OPTConfig = z.output<typeof optConfigSchema>;

/**
 * Validates an OPT config and fills defaults.
 * @throws ConfigError naming each bad key
 * @example parseOPTConfig({ vocabSize: 64, blockSize: 16, nLayer: 2, nEmbd: 32, nHead: 4, ffnDim: 64 })
 */
export function parseOPTConfig(config: OPTConfigInput): OPTConfig {
  return validateOptions("OPT config", optConfigSchema, config);
}
