import type { Tensor } from "@adaptive-sparse/core";
import type { z } from "zod";

/**
 * What a mask strategy may be given besides the weight. Strategies read only what they declare in
 * {@link MaskStrategy.needs}; the trainer fills in the rest.
 */
export interface MaskContext {
  /** Entries kept per group (e.g. 2 for 2:4). */
  readonly n: number;
  /** Group width in columns (e.g. 4 for 2:4). */
  readonly m: number;
  /** Layer name, used only in error messages. */
  readonly layerName?: string;
  /**
   * Wanda's activation statistic `a_c` (method.md §2.2): squared L2 norm of input column c averaged
   * over calibration sequences, length `cols`. Build it with `createWandaStatistic(cols)`. A tensor on
   * the weight's backend avoids an upload per call (the trainer passes one).
   */
  readonly inputNormSq?: Float32Array | Tensor;
  /**
   * SparseGPT's Hessian `H = (2/n) Σ X Xᵀ` (method.md §6.3), `[cols, cols]` row-major, float64.
   * Build it with `createHessianAccumulator(cols)`.
   */
  readonly hessian?: Float64Array;
  /** Seed for strategies that draw random numbers (`random`); default 0. */
  readonly seed?: number;
}

/** Calibration data a strategy needs; the trainer collects it before calling `compute`. */
export interface MaskNeeds {
  /** Needs `context.inputNormSq`. */
  readonly activations?: boolean;
  /** Needs `context.hessian`. */
  readonly hessian?: boolean;
}

/** What `compute` returns: a u8 mask tensor on the weight's backend, or a host `Uint8Array` (uploaded once). */
export type MaskResult = Tensor | Uint8Array;

/**
 * A mask strategy: a pure function `(W, context) → M` (method.md §2), registered under kind `mask`.
 * It receives the weight as a tensor on the model's backend: device strategies (magnitude, wanda)
 * compute there with core ops (`groupTopK`), host strategies read a host view once per call with
 * `await hostWeight(weight)` (random draws, SparseGPT's float64 Cholesky).
 * Register your own with `registry.register("mask", "my-name", strategy)`; a trainer config then
 * selects it by name like a built-in one.
 *
 * @typeParam Options the options object `compute` accepts (the input type of the `options` schema).
 */
export interface MaskStrategy<Options = unknown> {
  /** Registry name, lowercase kebab-case. */
  readonly name: string;
  readonly apiVersion: 1;
  /** One line for listings and error messages. */
  readonly description: string;
  /** zod schema of the options; use `z.strictObject` so a typo in a config is an error. */
  readonly options: z.ZodType;
  readonly needs?: MaskNeeds;
  /**
   * Computes the keep-mask. Must not modify or dispose `weight`.
   *
   * @param weight `[out, in]` float32 tensor (the layer's dense weight, on the model's backend).
   * @param context pattern `{ n, m }` plus whatever `needs` asks for.
   * @param options validated against `options` (defaults applied) by the strategy itself.
   * @returns a u8 tensor `[out, in]` on the weight's backend or a `Uint8Array` (or a promise of either),
   *   1 = keep, N:M-valid for N:M strategies. The caller owns a returned tensor.
   */
  compute(weight: Tensor, context: MaskContext, options?: Options): MaskResult | Promise<MaskResult>;
}

declare module "@adaptive-sparse/core" {
  interface PluginKinds {
    mask: MaskStrategy;
  }
}
