import { Generator, causalMask, matmul, permute, reshape, split, type Backend, type Tensor } from "@adaptive-sparse/core";
import { attentionRows } from "./attention-rows.js";
import { Dropout } from "./dropout.js";
import { LengthCache } from "./length-cache.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";
import type { LayerCache } from "./kv-cache.js";
import type { SparseLinear } from "./sparse-linear.js";

/** A dense or sparse linear layer; `sparsify` swaps one for the other under the same name. */
export type LinearLayer = Linear | SparseLinear;

/** Options of {@link CausalSelfAttention}. */
export interface CausalSelfAttentionOptions {
  nEmbd: number;
  nHead: number;
  nLayer: number;
  bias?: boolean;
  dropout?: number;
  /** Seeded source for the initial weights. */
  generator?: Generator;
  /** Source of dropout masks. */
  dropoutGenerator?: Generator;
  /** Where the parameters live (core's default backend when omitted). */
  backend?: Backend;
  /** false: zero weights, filled on the device, for a loader that overwrites them at once (default true). */
  init?: boolean;
}

/**
 * Multi-head causal self-attention as in GPT-2: a fused `c_attn` [3C, C] produces q, k, v; each head
 * attends to positions up to its own; `c_proj` [C, C] mixes the heads. Weights are N(0, 0.02²), with
 * `c_proj` scaled by 1/√(2·nLayer) (nanoGPT's residual-projection init), biases zero.
 */
export class CausalSelfAttention extends Module<[Tensor], Tensor> {
  readonly nHead: number;
  readonly nEmbd: number;
  readonly attnDropout: Dropout;
  readonly residDropout: Dropout;
  readonly #causal = new LengthCache();

  constructor(options: CausalSelfAttentionOptions) {
    super();
    const { nEmbd, nHead, nLayer, bias = true, dropout = 0, generator = new Generator(0), dropoutGenerator = new Generator(0), backend, init } = options;
    this.nHead = nHead;
    this.nEmbd = nEmbd;
    this.registerModule("c_attn", new Linear(nEmbd, 3 * nEmbd, { bias, generator, std: 0.02, backend, init }));
    this.registerModule("c_proj", new Linear(nEmbd, nEmbd, { bias, generator, std: 0.02 / Math.sqrt(2 * nLayer), backend, init }));
    this.attnDropout = this.registerModule("attn_dropout", new Dropout(dropout, dropoutGenerator));
    this.residDropout = this.registerModule("resid_dropout", new Dropout(dropout, dropoutGenerator));
  }

  /** The fused q/k/v projection (the live child: sparse after `sparsify`). */
  get cAttn(): LinearLayer {
    return this.child("c_attn");
  }
  /** The output projection (the live child: sparse after `sparsify`). */
  get cProj(): LinearLayer {
    return this.child("c_proj");
  }

  /** @param x [B, T, C] @returns [B, T, C] */
  forward(x: Tensor): Tensor {
    return this.#attend(x);
  }

  /**
   * Attention over the positions `cache.kv` holds (layer `cache.layer`) and x's, whose keys and values are
   * added to it; T must be 1 unless the cache is empty. (Forward hooks do not run.)
   * @param x [B, T, C] @returns [B, T, C]
   */
  forwardCached(x: Tensor, cache: LayerCache): Tensor {
    return this.#attend(x, cache);
  }

  #attend(x: Tensor, cache?: LayerCache): Tensor {
    const [B, T, C] = x.shape;
    const hs = C / this.nHead;
    // Each third of qkv is only its permute's input, which backward does not read: freed once its heads are copied.
    const toHeads = (third: Tensor) => {
      const perHead = reshape(third, [B, T, this.nHead, hs]);
      const heads = permute(perHead, [0, 2, 1, 3]); // (B, nh, T, hs)
      perHead.dispose();
      third.dispose();
      return heads;
    };
    const qkv = this.cAttn.call(x); // (B, T, 3C)
    const [q, kNew, vNew] = split(qkv, 3, -1).map(toHeads); // each (B, nh, T, hs)
    const { k, v, keyBias } = cache ? cache.kv.append(cache.layer, kNew!, vNew!) : { k: kNew!, v: vNew!, keyBias: null }; // (B, nh, Tk, hs): the cached positions, then these
    const scores = matmul(q!, k, { transB: true }); // (B, nh, T, Tk)
    const rows = attentionRows(scores, 1 / Math.sqrt(hs), { mask: (n) => this.#causal.get(n, x.backend, () => causalMask(n, x.backend)), keyBias }); // the mask built once per length
    const att = this.attnDropout.call(rows); // (B, nh, T, Tk)
    const y = matmul(att, v); // (B, nh, T, hs)
    const merged = reshape(permute(y, [0, 2, 1, 3]), [B, T, C]); // (B, T, C): heads side by side
    y.dispose(); // read by nothing after the permute, backward included
    return this.residDropout.call(this.cProj.call(merged));
  }

  /** Frees the cached causal mask (also done by `dispose()`). */
  releaseCache(): void {
    this.#causal.dispose();
  }

  override dispose(): void {
    super.dispose();
    this.releaseCache();
  }
}
