import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";

const positiveInt = z.number().int().positive();

/** Schema of a GPT-2 configuration (nanoGPT's `GPTConfig`, camelCased). Unknown keys are errors. */
export const gptConfigSchema = z
  .strictObject({
    /** Number of transformer blocks. */
    nLayer: positiveInt,
    /** Attention heads per block; must divide `nEmbd`. */
    nHead: positiveInt,
    /** Width of the residual stream (C). */
    nEmbd: positiveInt,
    /** Longest context (number of learned positions). */
    blockSize: positiveInt,
    /** Vocabulary size (rows of the tied token embedding / LM head). */
    vocabSize: positiveInt,
    /** Dropout probability on embeddings, attention weights and residual branches (default 0). */
    dropout: z.number().min(0).lt(1).default(0),
    /** Biases in Linear and LayerNorm layers (default true, as GPT-2). */
    bias: z.boolean().default(true),
  })
  .refine((c) => c.nEmbd % c.nHead === 0, { message: "nEmbd must be a multiple of nHead (each head gets nEmbd / nHead features)", path: ["nEmbd"] });

/** A GPT config as written by users: `dropout` and `bias` may be omitted. */
export type GPTConfigInput = z.input<typeof gptConfigSchema>;
/** A validated GPT config with defaults filled in. */
export type GPTConfig = z.output<typeof gptConfigSchema>;

/**
 * Validates a GPT config and fills defaults.
 * @throws ConfigError naming each bad key (unknown keys list the valid ones)
 * @example parseGPTConfig({ nLayer: 2, nHead: 2, nEmbd: 32, blockSize: 16, vocabSize: 64 })
 */
export function parseGPTConfig(config: GPTConfigInput): GPTConfig {
  return validateOptions("GPT config", gptConfigSchema, config);
}
