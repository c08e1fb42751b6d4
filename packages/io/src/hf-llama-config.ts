import { join } from "node:path";
import { ConfigError } from "@adaptive-sparse/core";
import { parseLlamaConfig, type LlamaConfig, type RopeScaling } from "@adaptive-sparse/nn";
import { writeJsonAtomic } from "./atomic.js";
import { checkArchitectures, configReader, TORCH_DTYPE, type WeightDType } from "./hf-family-config.js";

/** Hugging Face `model_type` -> the architectures of that type our `Llama` runs. */
export const LLAMA_ARCHITECTURES: Readonly<Record<"llama" | "mistral" | "qwen2", readonly string[]>> = {
  llama: ["LlamaForCausalLM", "LlamaModel"],
  mistral: ["MistralForCausalLM", "MistralModel"],
  qwen2: ["Qwen2ForCausalLM", "Qwen2Model"],
};

function ropeScaling(raw: Record<string, unknown>, where: string): RopeScaling | null {
  const scaling = raw.rope_scaling as Record<string, unknown> | null | undefined;
  if (scaling === undefined || scaling === null) return null;
  const kind = scaling.rope_type ?? scaling.type;
  const read = configReader(scaling, `${where}: rope_scaling`);
  if (kind === "default") return null;
  if (kind === "linear") return { type: "linear", factor: read.number("factor", 1) };
  if (kind === "llama3") {
    return {
      type: "llama3",
      factor: read.number("factor", NaN),
      lowFreqFactor: read.number("low_freq_factor", NaN),
      highFreqFactor: read.number("high_freq_factor", NaN),
      originalMaxPositionEmbeddings: read.int("original_max_position_embeddings"),
    };
  }
  throw new ConfigError(`${where}: rope_scaling type ${JSON.stringify(kind)} is not supported (supported: "linear", "llama3", or null for none)`);
}

/**
 * Maps a LLaMA, Mistral or Qwen2 `config.json` to our {@link LlamaConfig}. Qwen2 always has q/k/v biases
 * (and none on o_proj); LLaMA's `attention_bias` puts biases on all four projections. Mistral's sliding
 * window is not implemented: `blockSize` is capped at `sliding_window` (as is Qwen2's with
 * `use_sliding_window`), where full causal attention is the same computation.
 * @throws ConfigError naming the file and key for anything the architecture does not implement
 */
export function llamaConfigFromHf(raw: Record<string, unknown>, where: string): LlamaConfig {
  const modelType = raw.model_type as keyof typeof LLAMA_ARCHITECTURES;
  if (!Object.hasOwn(LLAMA_ARCHITECTURES, modelType)) throw new ConfigError(`${where}: model_type ${JSON.stringify(raw.model_type)} is not a LLaMA-architecture type (llama, mistral, qwen2)`);
  checkArchitectures(raw, LLAMA_ARCHITECTURES[modelType], where);
  const read = configReader(raw, where);
  read.oneOf("hidden_act", ["silu"], "silu", " (the SwiGLU MLP is implemented with SiLU only)");
  const attentionBias = read.bool("attention_bias", false);
  const windowed = modelType === "mistral" || (modelType === "qwen2" && read.bool("use_sliding_window", false));
  const maxPositions = read.int("max_position_embeddings");
  const window = windowed && read.present("sliding_window") ? read.int("sliding_window") : Infinity;
  return parseLlamaConfig({
    modelType,
    vocabSize: read.int("vocab_size"),
    blockSize: Math.min(maxPositions, window),
    nLayer: read.int("num_hidden_layers"),
    nEmbd: read.int("hidden_size"),
    nHead: read.int("num_attention_heads"),
    nKvHead: read.int("num_key_value_heads", read.int("num_attention_heads")),
    ...(read.present("head_dim") ? { headDim: read.int("head_dim") } : {}),
    intermediateSize: read.int("intermediate_size"),
    rmsNormEps: read.number("rms_norm_eps", 1e-6),
    ropeTheta: read.number("rope_theta", 10000),
    ropeScaling: ropeScaling(raw, where),
    qkvBias: modelType === "qwen2" || attentionBias,
    oBias: modelType === "llama" && attentionBias,
    mlpBias: read.bool("mlp_bias", false),
    tieWordEmbeddings: read.bool("tie_word_embeddings", false),
  });
}

const ARCHITECTURE = { llama: "LlamaForCausalLM", mistral: "MistralForCausalLM", qwen2: "Qwen2ForCausalLM" } as const;

/** Our {@link LlamaConfig} as a Hugging Face `config.json` object of its `model_type`. */
export function llamaConfigToHf(config: LlamaConfig, weights: WeightDType = "F32"): Record<string, unknown> {
  if (config.modelType !== "qwen2" && config.qkvBias !== (config.modelType === "llama" && config.oBias)) {
    throw new ConfigError(`writeConfig: a ${config.modelType} config.json cannot say qkvBias ${config.qkvBias} with oBias ${config.oBias} (LLaMA's attention_bias covers all four projections)`);
  }
  const { ropeScaling: s } = config;
  return {
    architectures: [ARCHITECTURE[config.modelType]],
    model_type: config.modelType,
    vocab_size: config.vocabSize,
    max_position_embeddings: config.blockSize,
    hidden_size: config.nEmbd,
    intermediate_size: config.intermediateSize,
    num_hidden_layers: config.nLayer,
    num_attention_heads: config.nHead,
    num_key_value_heads: config.nKvHead,
    head_dim: config.headDim,
    hidden_act: "silu",
    rms_norm_eps: config.rmsNormEps,
    rope_theta: config.ropeTheta,
    rope_scaling:
      s === null
        ? null
        : s.type === "linear"
          ? { rope_type: "linear", factor: s.factor }
          : { rope_type: "llama3", factor: s.factor, low_freq_factor: s.lowFreqFactor, high_freq_factor: s.highFreqFactor, original_max_position_embeddings: s.originalMaxPositionEmbeddings },
    ...(config.modelType === "llama" ? { attention_bias: config.qkvBias, mlp_bias: config.mlpBias } : {}),
    ...(config.modelType === "mistral" ? { sliding_window: null } : {}),
    ...(config.modelType === "qwen2" ? { use_sliding_window: false } : {}),
    tie_word_embeddings: config.tieWordEmbeddings,
    torch_dtype: TORCH_DTYPE[weights],
  };
}

/** Writes `config.json` for a LLaMA-family config (atomically). */
export async function writeLlamaConfig(folder: string, config: LlamaConfig, weights?: WeightDType): Promise<void> {
  await writeJsonAtomic(join(folder, "config.json"), llamaConfigToHf(config, weights));
}
