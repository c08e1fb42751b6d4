import { matmul, permute, reshape, type Tensor } from "@adaptive-sparse/core";
import { attentionRows } from "../attention-rows.js";
import type { LinearLayer } from "../causal-self-attention.js";
import type { LayerCache } from "../kv-cache.js";
import type { LayerBuild } from "../layer-build.js";
import { Linear } from "../linear.js";
import { Module } from "../module.js";
import type { OPTConfig } from "./opt-config.js";

/** OPT's multi-head causal self-attention (Hugging Face `OPTAttention`): q/k/v_proj and out_proj, each [C, C]. */
export class OPTAttention extends Module<[Tensor], Tensor> {
  readonly nHead: number;

  constructor(config: OPTConfig, build: LayerBuild) {
    super();
    const { nEmbd, nHead, enableBias: bias } = config;
    this.nHead = nHead;
    for (const name of ["k_proj", "v_proj", "q_proj", "out_proj"]) this.registerModule(name, new Linear(nEmbd, nEmbd, { bias, std: 0.02, ...build }));
  }

  /** The live projection (sparse after `sparsify`). */
  projection(name: "q_proj" | "k_proj" | "v_proj" | "out_proj"): LinearLayer {
    return this.child(name);
  }

  /** @param x [B, T, C] @returns [B, T, C] */
  forward(x: Tensor): Tensor {
    return this.#attend(x);
  }

  /**
   * Attention over the positions `cache.kv` holds (layer `cache.layer`) and x's, whose keys and values are
   * added to it; T must be 1 unless the cache is empty.
   * @param x [B, T, C] @returns [B, T, C]
   */
  forwardCached(x: Tensor, cache: LayerCache): Tensor {
    return this.#attend(x, cache);
  }

  #attend(x: Tensor, cache?: LayerCache): Tensor {
    const [B, T, C] = x.shape as [number, number, number];
    const hd = C / this.nHead;
    const heads = (name: "q_proj" | "k_proj" | "v_proj") => permute(reshape(this.projection(name).call(x), [B, T, this.nHead, hd]), [0, 2, 1, 3]); // (B, nh, T, hd)
    const [kNew, vNew] = [heads("k_proj"), heads("v_proj")];
    const { k, v, keyBias } = cache ? cache.kv.append(cache.layer, kNew, vNew) : { k: kNew, v: vNew, keyBias: null }; // (B, nh, Tk, hd): the cached positions, then these
    const raw = matmul(heads("q_proj"), k, { transB: true }); // (B, nh, T, Tk)
    const y = matmul(attentionRows(raw, 1 / Math.sqrt(hd), { keyBias }), v); // (B, nh, T, hd)
    const merged = reshape(permute(y, [0, 2, 1, 3]), [B, T, C]); // (B, T, C): heads side by side
    y.dispose(); // read by nothing after the permute, backward included
    return this.projection("out_proj").call(merged);
  }
}
