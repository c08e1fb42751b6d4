import { ConfigError, Generator, dropout, type Tensor } from "@adaptive-sparse/core";
import { Module } from "./module.js";

/**
 * Inverted dropout with probability `p` in training mode; the identity in eval mode or when p = 0
 * (it then returns its input tensor itself).
 */
export class Dropout extends Module<[Tensor], Tensor> {
  constructor(
    readonly p: number,
    /** Source of the random keep-masks; share one generator across a model for reproducible runs. */
    readonly generator: Generator = new Generator(0),
  ) {
    super();
    if (!(p >= 0 && p < 1)) throw new ConfigError(`Dropout: p must be in [0, 1), got ${p}`);
  }

  /** @param x any shape @returns the same shape */
  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    return dropout(x, this.p, { generator: this.generator });
  }
}
