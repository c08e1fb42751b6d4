import type { Backend, Tensor } from "@adaptive-sparse/core";
import type { GenerateOptions } from "./generate.js";
import { Linear } from "./linear.js";
import type { Module } from "./module.js";
import { SparseLinear } from "./sparse-linear.js";

/** The config fields every causal LM shares (a family's config adds its own). */
export interface CausalLMConfig {
  /** Embedding rows (token ids are in [0, vocabSize)). */
  readonly vocabSize: number;
  /** Longest sequence the model takes (GPT-2's n_positions). */
  readonly blockSize: number;
  /** Number of residual blocks (the length of `blocks`). */
  readonly nLayer: number;
  /** Width of the residual stream (the hidden states the layerwise loss compares). */
  readonly nEmbd: number;
}

/** What {@link CausalLM.forward} returns (a type alias, so `tidy(() => model.forward(...))` type-checks). */
export type CausalLMOutput = {
  /** [B, T, vocabSize] */
  logits: Tensor;
  /** Mean cross-entropy over targets != −1; present when targets were given. */
  loss?: Tensor;
};

/** Where a model is built (core's default backend when `backend` is omitted: a convenience for scripts). */
export interface PlacementOptions {
  readonly backend?: Backend;
}

/**
 * A causal language model as the trainer, evaluators, io's exports and the CLI see it; `GPT` is one
 * implementation, and a model family (io's table keyed by Hugging Face `model_type`) adds others.
 *
 * The model is a stack: `embed(idx)` gives the residual stream [B, T, C] that enters `blocks[0]`, each
 * block maps [B, T, C] to [B, T, C] (positions it needs, e.g. rotary angles, it derives from T), and
 * `forward` is embed → blocks → head. That split is what calibration (Wanda/SparseGPT run the stack
 * block by block and record each prunable layer's input with a forward hook, see {@link captureInputs})
 * and layerwise distillation (each block's output, see {@link captureHiddenStates}) rely on.
 *
 * @example
 * class Toy extends Module<[Tensor, Tensor?], CausalLMOutput> implements CausalLM { ... }
 */
export interface CausalLM extends Module<[idx: Tensor, targets?: Tensor], CausalLMOutput> {
  /** Hugging Face `model_type` of the family (`"gpt2"`); io's family table is keyed by it. */
  readonly modelType: string;
  readonly config: CausalLMConfig;
  /** The residual blocks in order (ModuleList or array), `config.nLayer` of them. */
  readonly blocks: Iterable<Module<[Tensor], Tensor>>;
  /** Block 0's input for token ids i32 [B, T]: [B, T, nEmbd] (embeddings, positions, dropout). */
  embed(idx: Tensor): Tensor;
  /**
   * Whether the Linear (or SparseLinear) at this dotted module name is pruned to N:M; embeddings, the
   * LM head and norms stay dense (method.md §1.3).
   */
  isPrunable(moduleName: string): boolean;
  /**
   * @param idx i32 [B, T] token ids, T <= blockSize
   * @param targets i32 [B, T] next-token ids; −1 marks positions to ignore
   */
  forward(idx: Tensor, targets?: Tensor): CausalLMOutput;
  /** Samples `maxNewTokens` after `idx` (i32 [B, T]); resolves to i32 [B, T + maxNewTokens]. */
  generate(idx: Tensor, maxNewTokens: number, options?: GenerateOptions): Promise<Tensor>;
}

/** Duck-typed check (io's loaders and the CLI take models from user code). */
export function isCausalLM(value: unknown): value is CausalLM {
  const model = value as Partial<CausalLM> | null;
  return typeof model === "object" && model !== null && typeof model.embed === "function" && typeof model.isPrunable === "function" && typeof model.modelType === "string";
}

/** The model's prunable linear layers (dense or already sparse) with their dotted names, in module order. */
export function prunableLayers(model: CausalLM): [string, Linear | SparseLinear][] {
  return model
    .namedModules()
    .filter((entry): entry is [string, Linear | SparseLinear] => (entry[1] instanceof Linear || entry[1] instanceof SparseLinear) && model.isPrunable(entry[0]));
}

/**
 * Records each block's output (the residual stream after the block) on every forward while installed,
 * pushing it into the array `into()` returns (nothing is recorded while it returns null). The tensors
 * are the forward's own intermediates: the enclosing `tidy` frees them.
 * @returns a function that removes the hooks
 */
export function captureHiddenStates(model: CausalLM, into: () => Tensor[] | null): () => void {
  const removers = [...model.blocks].map((block) => block.registerForwardHook((_module, _inputs, output) => void into()?.push(output)));
  return () => removers.forEach((remove) => remove());
}

/**
 * Records the input of each given layer (e.g. the prunable layers of one block) on every forward while
 * installed: `onInput(layer, x)` gets x [..., in]; `keep()` it to use it after the enclosing `tidy`.
 * @returns a function that removes the hooks
 */
export function captureInputs<L extends Module<[Tensor], Tensor>>(layers: readonly L[], onInput: (layer: L, input: Tensor) => void): () => void {
  const removers = layers.map((layer) => layer.registerForwardHook((_module, inputs) => void onInput(layer, inputs[0])));
  return () => removers.forEach((remove) => remove());
}
