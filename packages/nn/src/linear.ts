import { Generator, add, matmul, tidy, zeros, type Backend, type Tensor } from "@adaptive-sparse/core";
import { checkFeatures } from "./check-features.js";
import { normalInit, uniformInit } from "./init.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

/** Options of {@link Linear}. */
export interface LinearOptions {
  /** Add a bias vector (default true). */
  bias?: boolean;
  /** Seeded source for the initial weights (seed 0 when omitted). */
  generator?: Generator;
  /**
   * Weight init N(0, std²) with a zero bias (GPT-2 uses 0.02). When omitted, PyTorch's default:
   * weight and bias uniform in ±1/√in.
   */
  std?: number;
  /** Where the parameters live (core's default backend when omitted). */
  backend?: Backend;
  /** false: zeros, filled on the device, for weights a loader overwrites at once (default true). */
  init?: boolean;
}

/**
 * `y = x · Wᵀ + b` with PyTorch's layout: weight [out, in], bias [out].
 * @example
 * const fc = new Linear(8, 32, { std: 0.02 });
 * const y = fc.call(x); // x [B, T, 8] -> y [B, T, 32]
 */
export class Linear extends Module<[Tensor], Tensor> {
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    const { bias = true, generator = new Generator(0), std, backend, init = true } = options;
    const bound = 1 / Math.sqrt(inFeatures);
    const weight = () => (!init ? zeros([outFeatures, inFeatures], { backend }) : std === undefined ? uniformInit([outFeatures, inFeatures], bound, generator, backend) : normalInit([outFeatures, inFeatures], std, generator, backend));
    this.weight = this.registerParameter("weight", tidy(() => new Parameter(weight())));
    this.bias = bias
      ? this.registerParameter("bias", tidy(() => new Parameter(init && std === undefined ? uniformInit([outFeatures], bound, generator, backend) : zeros([outFeatures], { backend }))))
      : null;
  }

  /**
   * @param x [..., in]
   * @returns [..., out]
   */
  forward(x: Tensor): Tensor {
    checkFeatures("Linear", x, this.inFeatures, this.outFeatures);
    const y = matmul(x, this.weight, { transB: true });
    return this.bias ? addBias(y, this.bias) : y;
  }
}

/**
 * `product + bias` for a layer's own matrix product, whose buffer is freed here rather than at the end of the
 * enclosing `tidy`: Add's backward reads neither operand and the product's own backward reads its inputs, so
 * nothing needs it. In a GPT-2 124M training step at 2×1024 that is 54 MiB a layer (q/k/v 18, c_proj 6, c_fc 24,
 * the MLP's c_proj 6).
 */
export function addBias(product: Tensor, bias: Tensor): Tensor {
  const y = add(product, bias);
  product.dispose();
  return y;
}
