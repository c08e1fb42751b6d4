/**
 * @adaptive-sparse/nn: modules and parameters, Linear, SparseLinear (straight-through mask, optional
 * SLoRB), Embedding, LayerNorm, causal self-attention, the CausalLM model interface and the GPT-2 model
 * with nanoGPT's names.
 */
export { StateDictError, ModuleError } from "./errors.js";
export { copyInto } from "./copy-into.js";
export { Parameter } from "./parameter.js";
export type { ParameterOptions } from "./parameter.js";
export { Module } from "./module.js";
export type { ForwardHook, StateDictOptions } from "./module.js";
export type { LoadStateDictOptions, LoadStateDictResult } from "./state-dict.js";
export { ModuleList } from "./module-list.js";
export { ModuleDict } from "./module-dict.js";
export { normalInit, uniformInit, xavierUniformInit } from "./init.js";
export { Linear } from "./linear.js";
export type { LinearOptions } from "./linear.js";
export { Embedding } from "./embedding.js";
export type { EmbeddingOptions } from "./embedding.js";
export { LayerNorm } from "./layer-norm.js";
export type { LayerNormOptions } from "./layer-norm.js";
export { Dropout } from "./dropout.js";
export { CausalSelfAttention } from "./causal-self-attention.js";
export type { CausalSelfAttentionOptions, LinearLayer } from "./causal-self-attention.js";
export { MLP } from "./mlp.js";
export type { MLPOptions } from "./mlp.js";
export { Block } from "./block.js";
export type { BlockOptions } from "./block.js";
export { gptConfigSchema, parseGPTConfig } from "./gpt-config.js";
export type { GPTConfig, GPTConfigInput } from "./gpt-config.js";
export { GPT } from "./gpt.js";
export { isCausalLM, prunableLayers, captureHiddenStates, captureInputs } from "./causal-lm.js";
export type { CausalLM, CausalLMConfig, CausalLMOutput, PlacementOptions } from "./causal-lm.js";
export type { GPTOptions, GPTOutput, GPTTransformer } from "./gpt.js";
export { generate } from "./generate.js";
export { KVCache, type CachedKeys } from "./kv-cache.js";
export type { LayerCache } from "./kv-cache.js";
export type { GenerateOptions } from "./generate.js";
export { straightThroughMask } from "./straight-through.js";
export { slorbOptionsSchema, parseSlorbOptions, blockIndicator, initSlorb } from "./slorb.js";
export type { SlorbOptions, ResolvedSlorbOptions } from "./slorb.js";
export { SparseLinear } from "./sparse-linear.js";
export type { SparseLinearOptions, SlorbState } from "./sparse-linear.js";
export { GPT_SPARSE_LAYERS, isGptSparseLayer, isGptSparseWeight } from "./gpt-sparse-layers.js";
export { sparsify, sparseLayers } from "./sparsify.js";
export type { SparsifyOptions, SparseLayerEntry } from "./sparsify.js";
export { silu } from "@adaptive-sparse/core"; // kept here for code that imported it from nn
export { RMSNorm } from "./rms-norm.js";
export type { RMSNormOptions } from "./rms-norm.js";
export { RotaryEmbedding, ropeInverseFrequencies, rotaryTables, rotateHalf } from "./rotary.js";
export type { RopeScaling } from "./rotary.js";
export { llamaConfigSchema, parseLlamaConfig } from "./llama/llama-config.js";
export type { LlamaConfig, LlamaConfigInput } from "./llama/llama-config.js";
export { LlamaAttention } from "./llama/llama-attention.js";
export { LlamaMLP } from "./llama/llama-mlp.js";
export { LlamaBlock } from "./llama/llama-block.js";
export { Llama, isLlamaPrunable } from "./llama/llama.js";
export type { LlamaOptions, LlamaBody } from "./llama/llama.js";
export { optConfigSchema, parseOPTConfig } from "./opt/opt-config.js";
export type { OPTConfig, OPTConfigInput } from "./opt/opt-config.js";
export { OPTAttention } from "./opt/opt-attention.js";
export { OPTBlock } from "./opt/opt-block.js";
export { OPT, OPT_POSITION_OFFSET, isOptPrunable } from "./opt/opt.js";
export type { OPTOptions, OPTDecoder } from "./opt/opt.js";
