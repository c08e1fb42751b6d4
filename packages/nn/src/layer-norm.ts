import { layerNorm, ones, tidy, zeros, type Backend, type Tensor } from "@adaptive-sparse/core";
import { checkFeatures } from "./check-features.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

/** Options of {@link LayerNorm}. */
export interface LayerNormOptions {
  /** Learnable bias (default true; nanoGPT's `bias: false` drops it). */
  bias?: boolean;
  /** Added to the variance (default 1e-5, PyTorch's). */
  eps?: number;
  /** Where the parameters live (core's default backend when omitted). */
  backend?: Backend;
}

/** Layer normalisation over the last axis with a learnable scale (ones) and bias (zeros). */
export class LayerNorm extends Module<[Tensor], Tensor> {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly eps: number;

  constructor(
    readonly dim: number,
    options: LayerNormOptions = {},
  ) {
    super();
    this.eps = options.eps ?? 1e-5;
    const { backend } = options;
    this.weight = this.registerParameter("weight", tidy(() => new Parameter(ones([dim], { backend }))));
    this.bias = (options.bias ?? true) ? this.registerParameter("bias", tidy(() => new Parameter(zeros([dim], { backend })))) : null;
  }

  /** @param x [..., dim] @returns [..., dim] */
  forward(x: Tensor): Tensor {
    checkFeatures("LayerNorm", x, this.dim, this.dim);
    return layerNorm(x, this.weight, this.bias, this.eps);
  }
}
