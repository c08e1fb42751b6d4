import { Generator, add, type Backend, type Tensor } from "@adaptive-sparse/core";
import { CausalSelfAttention } from "./causal-self-attention.js";
import type { LayerCache } from "./kv-cache.js";
import { LayerNorm } from "./layer-norm.js";
import { MLP } from "./mlp.js";
import { Module } from "./module.js";

/** Options of {@link Block}. */
export interface BlockOptions {
  nEmbd: number;
  nHead: number;
  nLayer: number;
  bias?: boolean;
  dropout?: number;
  generator?: Generator;
  dropoutGenerator?: Generator;
  /** Where the parameters live (core's default backend when omitted). */
  backend?: Backend;
  /** false: zero weights, filled on the device, for a loader that overwrites them at once (default true). */
  init?: boolean;
}

/** One pre-LayerNorm transformer block: `x + attn(ln_1(x))`, then `x + mlp(ln_2(x))`. */
export class Block extends Module<[Tensor], Tensor> {
  readonly ln1: LayerNorm;
  readonly attn: CausalSelfAttention;
  readonly ln2: LayerNorm;
  readonly mlp: MLP;

  constructor(options: BlockOptions) {
    super();
    const bias = options.bias ?? true;
    const backend = options.backend;
    this.ln1 = this.registerModule("ln_1", new LayerNorm(options.nEmbd, { bias, backend }));
    this.attn = this.registerModule("attn", new CausalSelfAttention(options));
    this.ln2 = this.registerModule("ln_2", new LayerNorm(options.nEmbd, { bias, backend }));
    this.mlp = this.registerModule("mlp", new MLP(options));
  }

  /** @param x [B, T, C] @returns [B, T, C] */
  forward(x: Tensor): Tensor {
    const h = add(x, this.attn.call(this.ln1.call(x)));
    return add(h, this.mlp.call(this.ln2.call(h)));
  }

  /** The block with its attention reading and extending `cache` (see CausalSelfAttention.forwardCached). */
  forwardCached(x: Tensor, cache: LayerCache): Tensor {
    const h = add(x, this.attn.forwardCached(this.ln1.call(x), cache));
    return add(h, this.mlp.call(this.ln2.call(h)));
  }
}
