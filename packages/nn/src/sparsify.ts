import { tidy, type Tensor } from "@adaptive-sparse/core";
import { ModuleError } from "./errors.js";
import { isCausalLM } from "./causal-lm.js";
import { GPT_SPARSE_LAYERS, isGptSparseLayer } from "./gpt-sparse-layers.js";
import { Linear } from "./linear.js";
import type { Module } from "./module.js";
import type { Parameter } from "./parameter.js";
import { checkGroupSize, parseSlorbOptions, type SlorbOptions } from "./slorb.js";
import { SparseLinear } from "./sparse-linear.js";

/** A sparse layer and its dotted module name (`transformer.h.0.attn.c_attn`). */
export interface SparseLayerEntry {
  readonly name: string;
  readonly layer: SparseLinear;
}

/** Options of {@link sparsify}. */
export interface SparsifyOptions {
  /**
   * Which Linear layers to swap. Default: the model's own prunable layers when it is a `CausalLM`
   * (`model.isPrunable`), else GPT-2's sparse layers ({@link GPT_SPARSE_LAYERS}: c_attn,
   * attn.c_proj, c_fc, mlp.c_proj of every block, method.md §1.3), the one definition that export,
   * evaluation and the Hugging Face mapping share. Pass `() => true` to swap every Linear of another model.
   */
  include?: (name: string, layer: Linear) => boolean;
  /**
   * Initial mask M₀ per layer (u8 [out, in]); default all ones. Runs inside `tidy`, so a mask made in
   * the callback is freed after it is copied. SLoRB's init reads this mask.
   */
  mask?: (name: string, weight: Parameter) => Tensor;
  /** Adds a SLoRB branch to every swapped layer (method.md §5). */
  slorb?: SlorbOptions;
}

/** Every SparseLinear in `model`, with its dotted name, in module order. */
export function sparseLayers(model: Module): SparseLayerEntry[] {
  return model.namedModules().flatMap(([name, layer]) => (layer instanceof SparseLinear ? [{ name, layer }] : []));
}

/**
 * Swaps Linear layers (by default GPT-2's sparse layers) for SparseLinear ones in place, keeping the
 * parameter names and objects (`….c_fc.weight`, `….c_fc.bias`; plus `….c_fc.slorb_s` / `….c_fc.slorb_p`
 * with SLoRB, and the `….c_fc.mask` buffer). All options are checked before anything is swapped.
 * @returns the new sparse layers with their names
 * @throws ModuleError when the model already has sparse layers, or has Linears but none the default
 *   `include` takes; ConfigError for bad SLoRB options or a group size that does not divide some
 *   layer's input width
 * @example const layers = sparsify(gpt, { slorb: { groupSize: 16 } });
 */
export function sparsify(model: Module, options: SparsifyOptions = {}): SparseLayerEntry[] {
  const existing = sparseLayers(model);
  if (existing.length) {
    throw new ModuleError(`sparsify: the model already has sparse layers (${existing.map((e) => e.name).join(", ")}); sparsify a model once`);
  }
  const linears = model.namedModules().filter((entry): entry is [string, Linear] => entry[1] instanceof Linear);
  if (linears.some(([name]) => name === "")) throw new ModuleError("sparsify: pass a model that contains Linear layers, not a Linear itself; use SparseLinear.fromLinear");
  const prunable = isCausalLM(model) ? (name: string) => model.isPrunable(name) : isGptSparseLayer;
  const targets = linears.filter(([name, layer]) => (options.include ? options.include(name, layer) : prunable(name)));
  if (!options.include && linears.length && !targets.length) {
    const names = linears.slice(0, 5).map(([name]) => name).join(", ");
    throw new ModuleError(`sparsify: none of the model's Linear layers (${names}${linears.length > 5 ? ", ..." : ""}) is a GPT-2 sparse layer (${GPT_SPARSE_LAYERS.join(", ")}); pass options.include to choose the layers of another model`);
  }
  const slorb = options.slorb ? parseSlorbOptions(options.slorb) : null;
  if (slorb) for (const [name, linear] of targets) checkGroupSize(name, linear.inFeatures, slorb.groupSize);
  return targets.map(([name, linear]) => {
    const dot = name.lastIndexOf(".");
    const layer = SparseLinear.fromLinear(linear);
    model.getModule(dot < 0 ? "" : name.slice(0, dot)).replaceModule(name.slice(dot + 1), layer);
    if (options.mask) tidy(() => layer.setMask(options.mask!(name, layer.weight)));
    if (slorb) layer.enableSlorb(slorb, name);
    return { name, layer };
  });
}
