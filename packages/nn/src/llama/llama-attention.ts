import { matmul, permute, reshape, unsqueeze, type Tensor } from "@adaptive-sparse/core";
import { attentionRows } from "../attention-rows.js";
import type { LinearLayer } from "../causal-self-attention.js";
import type { LayerCache } from "../kv-cache.js";
import type { LayerBuild } from "../layer-build.js";
import { Linear } from "../linear.js";
import { Module } from "../module.js";
import type { RotaryEmbedding } from "../rotary.js";
import type { LlamaConfig } from "./llama-config.js";

/**
 * LLaMA's self-attention (Hugging Face `LlamaAttention`, also Mistral's and Qwen2's): separate q_proj
 * [nHead·hd, C], k_proj and v_proj [nKvHead·hd, C] (grouped-query attention: query head h reads key/value
 * head ⌊h / (nHead/nKvHead)⌋), rotary embeddings on q and k, causal softmax(q·kᵀ/√hd)·v, o_proj.
 */
export class LlamaAttention extends Module<[Tensor], Tensor> {
  readonly nHead: number;
  readonly nKvHead: number;
  readonly headDim: number;

  constructor(
    config: LlamaConfig,
    readonly rotary: RotaryEmbedding,
    build: LayerBuild,
  ) {
    super();
    const { nEmbd, nHead, nKvHead, headDim, qkvBias, oBias } = config;
    [this.nHead, this.nKvHead, this.headDim] = [nHead, nKvHead, headDim];
    const linear = (inF: number, outF: number, bias: boolean) => new Linear(inF, outF, { bias, std: 0.02, ...build });
    this.registerModule("q_proj", linear(nEmbd, nHead * headDim, qkvBias));
    this.registerModule("k_proj", linear(nEmbd, nKvHead * headDim, qkvBias));
    this.registerModule("v_proj", linear(nEmbd, nKvHead * headDim, qkvBias));
    this.registerModule("o_proj", linear(nHead * headDim, nEmbd, oBias));
  }

  /** The live projection named `q_proj`, `k_proj`, `v_proj` or `o_proj` (sparse after `sparsify`). */
  projection(name: "q_proj" | "k_proj" | "v_proj" | "o_proj"): LinearLayer {
    return this.child(name);
  }

  /** @param x [B, T, C] @returns [B, T, C] */
  forward(x: Tensor): Tensor {
    return this.#attend(x);
  }

  /**
   * Attention over the positions `cache.kv` holds (layer `cache.layer`, keys already rotated) and x's, which
   * are rotated as the positions after them and added to it; T must be 1 unless the cache is empty.
   * @param x [B, T, C] @returns [B, T, C]
   */
  forwardCached(x: Tensor, cache: LayerCache): Tensor {
    return this.#attend(x, cache);
  }

  #attend(x: Tensor, cache?: LayerCache): Tensor {
    const [B, T] = x.shape;
    const { nHead, nKvHead, headDim: hd } = this;
    const group = nHead / nKvHead;
    const start = cache?.kv.lengthOf(cache.layer) ?? 0; // this layer's cached positions (earlier layers already hold x's)
    // q as (B, nKv, group, T, hd) and k, v as (B, nKv, 1, T, hd): matmul broadcasts each key/value head over
    // its group of query heads, which is HF's repeat_kv without the copies.
    const q = permute(reshape(this.projection("q_proj").call(x), [B!, T!, nKvHead, group, hd]), [0, 2, 3, 1, 4]);
    const kv = (name: "k_proj" | "v_proj") => unsqueeze(permute(reshape(this.projection(name).call(x), [B!, T!, nKvHead, hd]), [0, 2, 1, 3]), 2);
    const kNew = this.rotary.apply(kv("k_proj"), start);
    const vNew = kv("v_proj");
    const { k, v, keyBias } = cache ? cache.kv.append(cache.layer, kNew, vNew) : { k: kNew, v: vNew, keyBias: null }; // (B, nKv, 1, Tk, hd): the cached positions, then these
    const raw = matmul(this.rotary.apply(q, start), k, { transB: true }); // (B, nKv, group, T, Tk)
    const y = matmul(attentionRows(raw, 1 / Math.sqrt(hd), { keyBias }), v); // (B, nKv, group, T, hd)
    const merged = reshape(permute(y, [0, 3, 1, 2, 4]), [B!, T!, nHead * hd]); // heads side by side, in q's order
    y.dispose(); // read by nothing after the permute, backward included
    return this.projection("o_proj").call(merged);
  }
}
