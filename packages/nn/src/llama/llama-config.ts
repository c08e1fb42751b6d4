import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";

const positiveInt = z.number().int().positive();
const positive = z.number().positive();

const ropeScalingSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("linear"), factor: positive }),
  z.strictObject({ type: z.literal("llama3"), factor: positive, lowFreqFactor: positive, highFreqFactor: positive, originalMaxPositionEmbeddings: positiveInt }),
]);

/**
 * Schema of a LLaMA-architecture config (LLaMA 2/3, TinyLlama, SmolLM, Mistral, Qwen2), Hugging Face's
 * `LlamaConfig` keys camelCased; io maps `config.json` onto it. Unknown keys are errors.
 */
export const llamaConfigSchema = z
  .strictObject({
    /** Hugging Face `model_type` the weights came from; all three share this architecture. */
    modelType: z.enum(["llama", "mistral", "qwen2"]).default("llama"),
    vocabSize: positiveInt,
    /** Longest sequence (`max_position_embeddings`; Mistral: at most `sliding_window`, see io). */
    blockSize: positiveInt,
    /** `num_hidden_layers`. */
    nLayer: positiveInt,
    /** `hidden_size`. */
    nEmbd: positiveInt,
    /** `num_attention_heads`. */
    nHead: positiveInt,
    /** `num_key_value_heads` (grouped-query attention; default nHead = multi-head attention). */
    nKvHead: positiveInt.optional(),
    /** `head_dim` (default nEmbd / nHead). */
    headDim: positiveInt.optional(),
    /** `intermediate_size`: the SwiGLU MLP's width. */
    intermediateSize: positiveInt,
    /** `rms_norm_eps`. */
    rmsNormEps: positive.default(1e-6),
    /** `rope_theta`. */
    ropeTheta: positive.default(10000),
    /** `rope_scaling` (null: none). */
    ropeScaling: ropeScalingSchema.nullable().default(null),
    /** Biases on q_proj, k_proj, v_proj (Qwen2: true; LLaMA's `attention_bias` sets this and oBias). */
    qkvBias: z.boolean().default(false),
    /** Bias on o_proj. */
    oBias: z.boolean().default(false),
    /** Biases on gate_proj, up_proj, down_proj (`mlp_bias`). */
    mlpBias: z.boolean().default(false),
    /** `tie_word_embeddings`: logits = x · embed_tokensᵀ, no lm_head tensor. */
    tieWordEmbeddings: z.boolean().default(false),
  })
  .transform((c) => ({ ...c, nKvHead: c.nKvHead ?? c.nHead, headDim: c.headDim ?? c.nEmbd / c.nHead }))
  .refine((c) => Number.isInteger(c.headDim), { message: "nEmbd must be a multiple of nHead when headDim is not given", path: ["nEmbd"] })
  .refine((c) => c.headDim % 2 === 0, { message: "headDim must be even (rotary embeddings rotate pairs of features)", path: ["headDim"] })
  .refine((c) => c.nHead % c.nKvHead === 0, { message: "nHead must be a multiple of nKvHead (each key/value head serves nHead / nKvHead query heads)", path: ["nKvHead"] });

/** A LLaMA config as written by users (defaults may be omitted). */
export type LlamaConfigInput = z.input<typeof llamaConfigSchema>;
/** A validated LLaMA config with every default filled in. */
export type LlamaConfig = z.output<typeof llamaConfigSchema>;

/**
 * Validates a LLaMA config and fills defaults.
 * @throws ConfigError naming each bad key
 * @example parseLlamaConfig({ vocabSize: 64, blockSize: 16, nLayer: 2, nEmbd: 32, nHead: 4, nKvHead: 2, intermediateSize: 64 })
 */
export function parseLlamaConfig(config: LlamaConfigInput): LlamaConfig {
  return validateOptions("LLaMA config", llamaConfigSchema, config);
}
