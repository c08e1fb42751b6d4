import { DTypeError, Generator, gather, tidy, zeros, type Backend, type Tensor } from "@adaptive-sparse/core";
import { normalInit } from "./init.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

/** Options of {@link Embedding}. */
export interface EmbeddingOptions {
  /** Seeded source for the initial table (seed 0 when omitted). */
  generator?: Generator;
  /** Init N(0, std²); default 1 as in PyTorch (GPT-2 uses 0.02). */
  std?: number;
  /** Where the table lives (core's default backend when omitted). */
  backend?: Backend;
  /** false: zeros, filled on the device, for a table a loader overwrites at once (default true). */
  init?: boolean;
}

/**
 * A lookup table [numEmbeddings, dim]: row `i` is the vector of token (or position) `i`.
 * @example new Embedding(64, 32).call(tensor([[1, 2]], { dtype: "i32" })) // [1, 2, 32]
 */
export class Embedding extends Module<[Tensor], Tensor> {
  readonly weight: Parameter;

  constructor(
    readonly numEmbeddings: number,
    readonly dim: number,
    options: EmbeddingOptions = {},
  ) {
    super();
    const { generator = new Generator(0), std = 1, backend, init = true } = options;
    this.weight = this.registerParameter("weight", tidy(() => new Parameter(init ? normalInit([numEmbeddings, dim], std, generator, backend) : zeros([numEmbeddings, dim], { backend }))));
  }

  /**
   * @param indices i32 [...], values in [0, numEmbeddings)
   * @returns [..., dim]
   */
  forward(indices: Tensor): Tensor {
    if (indices.dtype !== "i32") throw new DTypeError(`Embedding: indices have dtype ${indices.dtype}, expected i32 (use .cast("i32"))`);
    return gather(this.weight, indices);
  }
}
