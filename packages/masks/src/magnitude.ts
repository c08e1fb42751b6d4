import type { MaskStrategy } from "./mask-strategy.js";
import { checkWeight, maskFromScores, structureOptions, type StructureOptions } from "./structure-options.js";
import type { WeightMatrix } from "./types.js";

/**
 * Magnitude importance `S = |W|` (method.md §2.1).
 *
 * @returns `Float32Array` `[rows, cols]`.
 */
export function magnitudeScores(weight: WeightMatrix): Float32Array {
  checkWeight("magnitudeScores", weight);
  const scores = new Float32Array(weight.data.length);
  for (let i = 0; i < scores.length; i++) scores[i] = Math.abs(weight.data[i]!);
  return scores;
}

/**
 * Mask strategy `magnitude`: keep the largest |W| per group (AST's criterion for the initial mask
 * and every refresh, method.md §2.1, §6.1). Needs no data.
 *
 * @example
 * magnitudeMask.compute({ data: new Float32Array([1, -3, 3, 2]), rows: 1, cols: 4 }, { n: 2, m: 4 });
 * // Uint8Array [0, 1, 1, 0]
 */
export const magnitudeMask: MaskStrategy<StructureOptions> = {
  name: "magnitude",
  apiVersion: 1,
  description: "Keep the N largest |W| in every group of M input columns (no data needed).",
  options: structureOptions,
  compute(weight, context, options) {
    return maskFromScores("magnitude", magnitudeScores(weight), weight, context, options);
  },
};
