import { ConfigError, NonFiniteError } from "@adaptive-sparse/core";
import type { MaskStrategy } from "./mask-strategy.js";
import { checkWeight, maskFromScores, structureOptions, type StructureOptions } from "./structure-options.js";
import type { WeightMatrix } from "./types.js";
import { layerSuffix } from "./validate.js";

/**
 * Wanda importance `S_rc = |W_rc| · sqrt(a_c)` (method.md §2.1), rounded to float32 exactly as a
 * float32 PyTorch computation would be (sqrt, then product), so masks match PyTorch's bit for bit.
 *
 * @param inputNormSq `a`, length `cols`, from {@link createWandaStatistic}.
 * @returns `Float32Array` `[rows, cols]`.
 * @throws ShapeError/NonFiniteError for a wrong length or a negative/NaN entry of `a`.
 */
export function wandaScores(weight: WeightMatrix, inputNormSq: ArrayLike<number>, layerName?: string): Float32Array {
  const where = "wandaScores";
  checkWeight(where, weight);
  const { rows, cols, data } = weight;
  if (inputNormSq.length !== cols) {
    throw new ConfigError(
      `${where}: inputNormSq has length ${inputNormSq.length} but the weight has cols=${cols} input columns${layerSuffix(layerName)}; ` +
        `collect it with createWandaStatistic(${cols}) on this layer's inputs`,
    );
  }
  const root = new Float32Array(cols);
  for (let c = 0; c < cols; c++) {
    const a = inputNormSq[c]!;
    if (!(a >= 0) || a === Infinity) {
      throw new NonFiniteError(`${where}: inputNormSq[${c}] = ${a}${layerSuffix(layerName)}; a_c must be finite and ≥ 0`);
    }
    root[c] = Math.sqrt(a);
  }
  const scores = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0, i = r * cols; c < cols; c++, i++) scores[i] = Math.abs(data[i]!) * root[c]!;
  }
  return scores;
}

/**
 * Mask strategy `wanda`: `|W| · sqrt(a_c)` per group (method.md §2.1–2.2, §6.2). Needs
 * `context.inputNormSq`, the layer's activation statistic from {@link createWandaStatistic}.
 *
 * @example
 * const stat = createWandaStatistic(4);
 * stat.addBatch(layerInputs); // [tokens, 4]
 * wandaMask.compute(weight, { n: 2, m: 4, inputNormSq: stat.value() });
 */
export const wandaMask: MaskStrategy<StructureOptions> = {
  name: "wanda",
  apiVersion: 1,
  description: "Keep the N largest |W|·sqrt(a_c) per group, a_c = mean squared input norm of column c (needs activations).",
  options: structureOptions,
  needs: { activations: true },
  compute(weight, context, options) {
    if (!context.inputNormSq) {
      throw new ConfigError(
        `mask "wanda" needs context.inputNormSq (length ${weight.cols})${layerSuffix(context.layerName)}; ` +
          `collect it with createWandaStatistic(cols).addBatch(layerInputs) over the calibration data`,
      );
    }
    const scores = wandaScores(weight, context.inputNormSq, context.layerName);
    return maskFromScores("wanda", scores, weight, context, options);
  },
};
