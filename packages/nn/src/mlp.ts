import { Generator, gelu, type Backend, type Tensor } from "@adaptive-sparse/core";
import type { LinearLayer } from "./causal-self-attention.js";
import { Dropout } from "./dropout.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";

/** Options of {@link MLP}. */
export interface MLPOptions {
  nEmbd: number;
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

/**
 * GPT-2's feed-forward block: `c_fc` (C → 4C), GELU (tanh form, as GPT-2 and Hugging Face's
 * `gelu_new`), `c_proj` (4C → C, init scaled by 1/√(2·nLayer)), dropout.
 */
export class MLP extends Module<[Tensor], Tensor> {
  readonly dropout: Dropout;

  constructor(options: MLPOptions) {
    super();
    const { nEmbd, nLayer, bias = true, dropout = 0, generator = new Generator(0), dropoutGenerator = new Generator(0), backend, init } = options;
    this.registerModule("c_fc", new Linear(nEmbd, 4 * nEmbd, { bias, generator, std: 0.02, backend, init }));
    this.registerModule("c_proj", new Linear(4 * nEmbd, nEmbd, { bias, generator, std: 0.02 / Math.sqrt(2 * nLayer), backend, init }));
    this.dropout = this.registerModule("dropout", new Dropout(dropout, dropoutGenerator));
  }

  /** The expansion layer (the live child: sparse after `sparsify`). */
  get cFc(): LinearLayer {
    return this.child("c_fc");
  }
  /** The contraction layer (the live child: sparse after `sparsify`). */
  get cProj(): LinearLayer {
    return this.child("c_proj");
  }

  /** @param x [B, T, C] @returns [B, T, C] */
  forward(x: Tensor): Tensor {
    const hidden = gelu(this.cFc.call(x)); // (B, T, 4C)
    return this.dropout.call(this.cProj.call(hidden)); // (B, T, C)
  }
}
