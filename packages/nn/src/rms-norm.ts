import { ones, rmsNorm, tidy, type Backend, type Tensor } from "@adaptive-sparse/core";
import { checkFeatures } from "./check-features.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

/** Options of {@link RMSNorm}. */
export interface RMSNormOptions {
  /** Added to the mean square (LLaMA's `rms_norm_eps`; default 1e-6). */
  eps?: number;
  /** Where the scale lives (core's default backend when omitted). */
  backend?: Backend;
}

/**
 * Root-mean-square normalisation over the last axis with a learnable scale (ones), as LLaMA's
 * `LlamaRMSNorm`: `x / sqrt(mean(x²) + eps) · weight` (no centring, no bias).
 */
export class RMSNorm extends Module<[Tensor], Tensor> {
  readonly weight: Parameter;
  readonly eps: number;

  constructor(
    readonly dim: number,
    options: RMSNormOptions = {},
  ) {
    super();
    this.eps = options.eps ?? 1e-6;
    this.weight = this.registerParameter("weight", tidy(() => new Parameter(ones([dim], { backend: options.backend }))));
  }

  /** @param x [..., dim] @returns [..., dim] */
  forward(x: Tensor): Tensor {
    checkFeatures("RMSNorm", x, this.dim, this.dim);
    return rmsNorm(x, this.weight, this.eps);
  }
}
