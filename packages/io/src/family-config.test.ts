import { ConfigError } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { llamaConfigFromHf, llamaConfigToHf } from "./hf-llama-config.js";
import { optConfigFromHf, optConfigToHf } from "./hf-opt-config.js";

const where = "loadModel: x/config.json";
// Keys as in TinyLlama-1.1B's and Mistral-7B-v0.1's config.json (sizes shrunk).
const tinyLlama = { architectures: ["LlamaForCausalLM"], model_type: "llama", vocab_size: 32000, hidden_size: 64, intermediate_size: 176, num_hidden_layers: 2, num_attention_heads: 8, num_key_value_heads: 4, max_position_embeddings: 2048, rms_norm_eps: 1e-5, rope_theta: 10000, rope_scaling: null, hidden_act: "silu", tie_word_embeddings: false, pretraining_tp: 1, torch_dtype: "bfloat16" };
const opt125m = { architectures: ["OPTForCausalLM"], model_type: "opt", vocab_size: 50272, hidden_size: 64, num_hidden_layers: 2, ffn_dim: 256, num_attention_heads: 4, max_position_embeddings: 2048, do_layer_norm_before: true, word_embed_proj_dim: 64, activation_function: "relu", enable_bias: true, dropout: 0.1, _remove_final_layer_norm: false };

describe("Hugging Face config.json of the LLaMA family", () => {
  it("maps TinyLlama's keys, and writes them back to the same config", () => {
    const config = llamaConfigFromHf(tinyLlama, where);
    expect(config).toMatchObject({ modelType: "llama", vocabSize: 32000, blockSize: 2048, nLayer: 2, nEmbd: 64, nHead: 8, nKvHead: 4, headDim: 8, intermediateSize: 176, rmsNormEps: 1e-5, ropeScaling: null, qkvBias: false, tieWordEmbeddings: false });
    expect(llamaConfigFromHf(llamaConfigToHf(config), where)).toEqual(config);
  });

  it("Qwen2 has q/k/v biases and no o_proj bias; LLaMA's attention_bias covers all four", () => {
    expect(llamaConfigFromHf({ ...tinyLlama, architectures: ["Qwen2ForCausalLM"], model_type: "qwen2" }, where)).toMatchObject({ qkvBias: true, oBias: false });
    expect(llamaConfigFromHf({ ...tinyLlama, attention_bias: true }, where)).toMatchObject({ qkvBias: true, oBias: true });
  });

  it("Mistral's sliding window caps blockSize (full attention is exact up to the window)", () => {
    const mistral = { ...tinyLlama, architectures: ["MistralForCausalLM"], model_type: "mistral", max_position_embeddings: 32768, sliding_window: 4096 };
    expect(llamaConfigFromHf(mistral, where).blockSize).toBe(4096);
    expect(llamaConfigFromHf({ ...mistral, sliding_window: null }, where).blockSize).toBe(32768);
    expect(llamaConfigFromHf({ ...tinyLlama, model_type: "qwen2", architectures: ["Qwen2ForCausalLM"], sliding_window: 512, use_sliding_window: false }, where).blockSize).toBe(2048);
  });

  it("reads rope_scaling linear and llama3 (type or rope_type), refuses the kinds it does not implement", () => {
    expect(llamaConfigFromHf({ ...tinyLlama, rope_scaling: { type: "linear", factor: 4 } }, where).ropeScaling).toEqual({ type: "linear", factor: 4 });
    const llama31 = { rope_type: "llama3", factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 };
    expect(llamaConfigFromHf({ ...tinyLlama, rope_scaling: llama31 }, where).ropeScaling).toEqual({ type: "llama3", factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 });
    expect(() => llamaConfigFromHf({ ...tinyLlama, rope_scaling: { type: "yarn", factor: 4 } }, where)).toThrow(/x\/config.json: rope_scaling type "yarn" is not supported \(supported: "linear", "llama3", or null for none\)/);
  });

  it("refuses other activations, mismatched architectures and bad sizes, naming the key", () => {
    expect(() => llamaConfigFromHf({ ...tinyLlama, hidden_act: "gelu" }, where)).toThrow(/"hidden_act" "gelu" is not supported \(supported: "silu"\)/);
    expect(() => llamaConfigFromHf({ ...tinyLlama, architectures: ["MistralForCausalLM"] }, where)).toThrow(ConfigError);
    expect(() => llamaConfigFromHf({ ...tinyLlama, architectures: ["MistralForCausalLM"] }, where)).toThrow(/architectures \["MistralForCausalLM"\] are not supported for model_type "llama" \(supported: LlamaForCausalLM, LlamaModel\)/);
    expect(() => llamaConfigFromHf({ ...tinyLlama, num_key_value_heads: 3 }, where)).toThrow(/nHead must be a multiple of nKvHead/);
    expect(() => llamaConfigFromHf({ ...tinyLlama, intermediate_size: undefined }, where)).toThrow(/missing "intermediate_size"/);
  });
});

describe("Hugging Face config.json of OPT", () => {
  it("maps OPT-125M's keys and OPT-350M's post-LN with projections, and writes them back", () => {
    const config = optConfigFromHf(opt125m, where);
    expect(config).toMatchObject({ vocabSize: 50272, blockSize: 2048, nEmbd: 64, ffnDim: 256, wordEmbedProjDim: 64, doLayerNormBefore: true, tieWordEmbeddings: true });
    const opt350m = optConfigFromHf({ ...opt125m, do_layer_norm_before: false, word_embed_proj_dim: 32 }, where);
    expect(opt350m).toMatchObject({ doLayerNormBefore: false, wordEmbedProjDim: 32 });
    expect(optConfigFromHf(optConfigToHf(opt350m), where)).toEqual(opt350m);
  });

  it("refuses what our OPT does not implement", () => {
    expect(() => optConfigFromHf({ ...opt125m, activation_function: "gelu" }, where)).toThrow(/"activation_function" "gelu" is not supported \(supported: "relu"\)/);
    expect(() => optConfigFromHf({ ...opt125m, layer_norm_elementwise_affine: false }, where)).toThrow(/layer_norm_elementwise_affine" false is not supported/);
  });
});
