import { ConfigError, NonFiniteError, ShapeError, validateOptions, type Tensor } from "@adaptive-sparse/core";
import { z } from "zod";
import { inverseUpperCholesky } from "./cholesky.js";
import { NotPositiveDefiniteError } from "./errors.js";
import type { MaskContext, MaskStrategy } from "./mask-strategy.js";
import { obsSweep } from "./sparsegpt-sweep.js";
import { checkWeight } from "./structure-options.js";
import type { NMSelection, WeightMatrix } from "./types.js";
import { checkPattern, layerSuffix } from "./validate.js";
import { hostWeight, weightShape } from "./weight-tensor.js";

/** Options of the `sparsegpt` strategy. */
export const sparseGptOptions = z.strictObject({
  /** Column block width B of the OBS sweep; a multiple of m. Default 128 (reference). */
  blockSize: z.number().int().positive().default(128),
  /** Dampening δ = percdamp · mean(diag H) added to the diagonal. Default 0.01 (reference). */
  percdamp: z.number().min(0).default(0.01),
});

/** Options of {@link sparsegptMask}'s `compute`. */
export type SparseGptOptions = z.input<typeof sparseGptOptions>;

/** Options of `sparsegptMask.prune`: the pattern plus the strategy options. */
export type SparseGptPruneOptions = NMSelection & SparseGptOptions;

/** Result of `sparsegptMask.prune`. */
export interface SparseGptResult {
  /** Keep-mask `[rows, cols]`, N:M-valid. */
  readonly mask: Uint8Array;
  /** The pruned and compensated weight `[rows, cols]` (zero where the mask is 0). */
  readonly weight: Float32Array;
  /** Diagnostic loss `Σ_rows Σ_j e_j² / 2` (method.md §6.3). */
  readonly loss: number;
  /** The same loss per row. */
  readonly rowLoss: Float64Array;
}

/**
 * One-shot SparseGPT N:M pruning of one linear layer (method.md §6.3), all in float64: dead inputs
 * (`H_jj = 0`: set `H_jj = 1`, zero `W[:, j]`), dampening, `U = chol(H⁻¹)` upper, then the block-wise
 * OBS sweep choosing each group's mask from the compensated weights. Inputs are not modified.
 *
 * @param weight `[out, in]` float32.
 * @param hessian `[in, in]` float64 from {@link createHessianAccumulator}.
 * @throws ConfigError for bad options (blockSize not a multiple of m, …); ShapeError for sizes;
 *   NonFiniteError for NaN/Inf inputs; NotPositiveDefiniteError when H + δI is not positive definite.
 */
function prune(weight: WeightMatrix, hessian: Float64Array, options: SparseGptPruneOptions): SparseGptResult {
  const where = 'mask "sparsegpt"';
  checkWeight(where, weight);
  const { n, m, layerName, ...rest } = options;
  const { blockSize, percdamp } = validateOptions(where, sparseGptOptions, rest);
  const { rows, cols } = weight;
  checkPattern(where, { n, m }, cols, layerName);
  if (blockSize % m !== 0) {
    throw new ConfigError(`${where}: blockSize=${blockSize} must be a multiple of m=${m} so groups never straddle blocks`);
  }
  if (!(hessian instanceof Float64Array) || hessian.length !== cols * cols) {
    throw new ShapeError(
      `${where}: hessian must be a Float64Array of cols×cols = ${cols}×${cols} = ${cols * cols} elements, ` +
        `got ${hessian?.length}${layerSuffix(layerName)}; build it with createHessianAccumulator(${cols})`,
    );
  }
  const w = Float64Array.from(weight.data);
  const h = hessian.slice();
  for (let i = 0; i < w.length; i++) {
    if (!Number.isFinite(w[i]!)) {
      throw new NonFiniteError(`${where}: weight at row ${Math.floor(i / cols)}, column ${i % cols} is ${w[i]}${layerSuffix(layerName)}`);
    }
  }
  for (let i = 0; i < h.length; i++) {
    if (!Number.isFinite(h[i]!)) throw new NonFiniteError(`${where}: hessian entry ${i} is ${h[i]}${layerSuffix(layerName)}`);
  }
  // Dead inputs never fire, so their weights do not matter: drop them and make H invertible there.
  let diagSum = 0;
  for (let j = 0; j < cols; j++) {
    if (h[j * cols + j] === 0) {
      h[j * cols + j] = 1;
      for (let r = 0; r < rows; r++) w[r * cols + j] = 0;
    }
    diagSum += h[j * cols + j]!;
  }
  const damp = (percdamp * diagSum) / cols;
  for (let j = 0; j < cols; j++) h[j * cols + j]! += damp;
  let u: Float64Array;
  try {
    u = inverseUpperCholesky(h, cols);
  } catch (error) {
    if (!NotPositiveDefiniteError.isInstance(error)) throw error;
    throw new NotPositiveDefiniteError(
      `${where}: the dampened Hessian is not positive definite${layerSuffix(layerName)} (${error.message}); ` +
        `raise option percdamp (now ${percdamp}) or collect more calibration tokens`,
    );
  }
  const { mask, rowLoss } = obsSweep({ w, rows, cols, u, n, m, blockSize, layerName });
  let loss = 0;
  for (const value of rowLoss) loss += value;
  return { mask, weight: Float32Array.from(w), loss, rowLoss };
}

/** The `sparsegpt` strategy: a {@link MaskStrategy} plus `prune`, which also returns the updated weight. */
export interface SparseGptStrategy extends MaskStrategy<SparseGptOptions> {
  prune(weight: WeightMatrix, hessian: Float64Array, options: SparseGptPruneOptions): SparseGptResult;
}

/**
 * Mask strategy `sparsegpt` (method.md §6.3), on a host view of the weight. `compute` returns only the mask; use
 * `sparsegptMask.prune(weight, hessian, { n, m })` to also get the compensated weight, which is
 * the point of SparseGPT. Needs `context.hessian`.
 *
 * @example
 * const acc = createHessianAccumulator(cols);
 * acc.addBatch(layerInputs); // [tokens, cols]
 * const { mask, weight: pruned } = sparsegptMask.prune(weight, acc.value(), { n: 2, m: 4 });
 */
export const sparsegptMask: SparseGptStrategy = {
  name: "sparsegpt",
  apiVersion: 1,
  description: "SparseGPT one-shot OBS pruning: N:M mask chosen column by column with error compensation (needs a Hessian).",
  options: sparseGptOptions,
  needs: { hessian: true },
  compute(weight: Tensor, context: MaskContext, options?: SparseGptOptions) {
    const { cols } = weightShape('mask "sparsegpt"', weight, context.layerName);
    const hessian = context.hessian;
    if (!hessian) {
      throw new ConfigError(
        `mask "sparsegpt" needs context.hessian ([${cols}, ${cols}] float64)${layerSuffix(context.layerName)}; ` +
          `collect it with createHessianAccumulator(cols).addBatch(layerInputs) over the calibration data`,
      );
    }
    const { n, m, layerName } = context;
    // The OBS sweep runs in float64 on the host: one read of the weight per call.
    return hostWeight(weight).then((host) => prune(host, hessian, { ...options, n, m, layerName }).mask);
  },
  prune,
};
