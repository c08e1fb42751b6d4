import { abs } from "@adaptive-sparse/core";
import type { MaskStrategy } from "./mask-strategy.js";
import { checkWeight, nmMaskOnDevice, resolveStructure, structureOptions, type StructureOptions } from "./structure-options.js";
import type { WeightMatrix } from "./types.js";
import { unstructuredMaskFromScores } from "./unstructured-mask.js";
import { hostWeight, weightShape } from "./weight-tensor.js";

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
 * and every refresh, method.md §2.1, §6.1). Needs no data. N:M masks are computed on the weight's
 * backend (`groupTopK(|W|, n, m)`, nothing read back); the unstructured pattern sorts on the host.
 *
 * @example
 * magnitudeMask.compute(tensor([[1, -3, 3, 2]]), { n: 2, m: 4 }); // u8 tensor [[0, 1, 1, 0]]
 */
export const magnitudeMask: MaskStrategy<StructureOptions> = {
  name: "magnitude",
  apiVersion: 1,
  description: "Keep the N largest |W| in every group of M input columns (no data needed).",
  options: structureOptions,
  compute(weight, context, options) {
    const structure = resolveStructure("magnitude", options, context);
    const { rows, cols } = weightShape('mask "magnitude"', weight, context.layerName);
    if (structure.pattern === "nm") return nmMaskOnDevice("magnitude", cols, () => abs(weight), context);
    return hostWeight(weight).then((host) => unstructuredMaskFromScores(magnitudeScores(host), rows, cols, { sparsity: structure.sparsity, layerName: context.layerName }));
  },
};
