import type { MaskStrategy } from "./mask-strategy.js";
import { createPrng } from "./prng.js";
import { maskFromScores, structureOptions, type StructureOptions } from "./structure-options.js";
import { weightShape } from "./weight-tensor.js";

/**
 * Mask strategy `random`: a uniformly random N-subset of every group (random scores, then the
 * usual selection), seeded by `context.seed` (default 0). A control baseline; ignores the weights'
 * values (only the shape is used, so nothing is read from the device; the mask is drawn on the host).
 *
 * @example
 * randomMask.compute(weight, { n: 2, m: 4, seed: 1 });
 */
export const randomMask: MaskStrategy<StructureOptions> = {
  name: "random",
  apiVersion: 1,
  description: "Keep a seeded uniformly random N of every M columns (ignores the weight values).",
  options: structureOptions,
  compute(weight, context, options) {
    const { rows, cols } = weightShape('mask "random"', weight, context.layerName);
    const next = createPrng(context.seed ?? 0);
    const scores = new Float64Array(rows * cols);
    for (let i = 0; i < scores.length; i++) scores[i] = next();
    return maskFromScores("random", scores, { rows, cols }, context, options);
  },
};
