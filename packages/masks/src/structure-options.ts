import { ConfigError, groupTopK, noGrad, tidy, validateOptions, type Tensor } from "@adaptive-sparse/core";
import { z } from "zod";
import type { MaskContext } from "./mask-strategy.js";
import { nmMaskFromScores } from "./nm-mask.js";
import type { Scores, WeightMatrix } from "./types.js";
import { unstructuredMaskFromScores } from "./unstructured-mask.js";
import { checkMatrix, checkPattern } from "./validate.js";

/**
 * Options shared by the score-based strategies (`magnitude`, `wanda`, `random`): which sparsity
 * structure to produce from the scores.
 */
export const structureOptions = z.strictObject({
  /** `"nm"` (default): N:M groups from `context.n`/`context.m`. `"unstructured"`: per-row top-k (method.md §2.4). */
  pattern: z.enum(["nm", "unstructured"]).default("nm"),
  /** Unstructured only: fraction of each row pruned; default `1 − n/m` (0.5 for 2:4). */
  sparsity: z.number().min(0).max(1).optional(),
});

/** Options accepted by `magnitude`, `wanda` and `random`. */
export type StructureOptions = z.input<typeof structureOptions>;

/** Checks the weight's buffer against its shape. @internal */
export function checkWeight(where: string, weight: WeightMatrix): void {
  if (!(weight.data instanceof Float32Array)) {
    throw new ConfigError(`${where}: weight.data must be a Float32Array ([out, in] row-major)`);
  }
  checkMatrix(where, "weight.data", weight.data.length, weight.rows, weight.cols);
}

/** The structure a score-based strategy produces, options validated. @internal */
export type Structure = { readonly pattern: "nm" } | { readonly pattern: "unstructured"; readonly sparsity: number };

/** Validates the structure options against the context. @internal */
export function resolveStructure(strategy: string, options: StructureOptions | undefined, context: MaskContext): Structure {
  const where = `mask "${strategy}"`;
  const { pattern, sparsity } = validateOptions(where, structureOptions, options);
  if (pattern === "unstructured") return { pattern, sparsity: sparsity ?? 1 - context.n / context.m };
  if (sparsity !== undefined) {
    throw new ConfigError(`${where}: option "sparsity" applies only to pattern "unstructured"; N:M sparsity is set by context n and m`);
  }
  return { pattern };
}

/**
 * The N:M keep-mask of device scores `[rows, cols]` (built by `scores` inside one tidy) through core's `groupTopK` (same tie rule as
 * {@link nmMaskFromScores}: among equal scores the lower column is pruned first). @internal
 */
export function nmMaskOnDevice(strategy: string, cols: number, scores: () => Tensor, context: MaskContext): Tensor {
  checkPattern(`mask "${strategy}"`, context, cols, context.layerName);
  return noGrad(() => tidy(() => groupTopK(scores(), context.n, context.m)));
}

/**
 * Validates the options and turns scores into the requested mask. @internal
 */
export function maskFromScores(
  strategy: string,
  scores: Scores,
  weight: Pick<WeightMatrix, "rows" | "cols">,
  context: MaskContext,
  options: StructureOptions | undefined,
): Uint8Array {
  const where = `mask "${strategy}"`;
  const { pattern, sparsity } = validateOptions(where, structureOptions, options);
  const { n, m, layerName } = context;
  if (pattern === "nm") {
    if (sparsity !== undefined) {
      throw new ConfigError(
        `${where}: option "sparsity" applies only to pattern "unstructured"; N:M sparsity is set by context n and m`,
      );
    }
    return nmMaskFromScores(scores, weight.rows, weight.cols, { n, m, layerName });
  }
  return unstructuredMaskFromScores(scores, weight.rows, weight.cols, { sparsity: sparsity ?? 1 - n / m, layerName });
}
