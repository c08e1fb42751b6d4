import { ConfigError, NonFiniteError, Tensor, abs, mul, sqrt, tensor } from "@adaptive-sparse/core";
import type { MaskContext, MaskStrategy } from "./mask-strategy.js";
import { checkWeight, nmMaskOnDevice, resolveStructure, structureOptions, type StructureOptions } from "./structure-options.js";
import type { WeightMatrix } from "./types.js";
import { unstructuredMaskFromScores } from "./unstructured-mask.js";
import { layerSuffix } from "./validate.js";
import { hostWeight, weightShape } from "./weight-tensor.js";

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

/** Checks a host statistic `a` against the weight's columns (length, finite, ≥ 0). */
function checkStatistic(where: string, inputNormSq: ArrayLike<number>, cols: number, layerName?: string): void {
  if (inputNormSq.length !== cols) {
    throw new ConfigError(
      `${where}: inputNormSq has length ${inputNormSq.length} but the weight has cols=${cols} input columns${layerSuffix(layerName)}; ` +
        `collect it with createWandaStatistic(${cols}) on this layer's inputs`,
    );
  }
  for (let c = 0; c < cols; c++) {
    const a = inputNormSq[c]!;
    if (!(a >= 0) || a === Infinity) throw new NonFiniteError(`${where}: inputNormSq[${c}] = ${a}${layerSuffix(layerName)}; a_c must be finite and ≥ 0`);
  }
}

/** `sqrt(a)` as a device tensor `[cols]` on the weight's backend (a host statistic is checked, then uploaded). */
function rootOnDevice(weight: Tensor, inputNormSq: Float32Array | Tensor, cols: number, layerName?: string): Tensor {
  if (Tensor.isTensor(inputNormSq)) {
    if (inputNormSq.size !== cols) checkStatistic('mask "wanda"', { length: inputNormSq.size }, cols, layerName);
    return sqrt(inputNormSq.reshape([cols]));
  }
  checkStatistic('mask "wanda"', inputNormSq, cols, layerName);
  return sqrt(tensor(inputNormSq, { shape: [cols], dtype: "f32", backend: weight.backend }));
}

function missingStatistic(context: MaskContext, cols: number): ConfigError {
  return new ConfigError(
    `mask "wanda" needs context.inputNormSq (length ${cols})${layerSuffix(context.layerName)}; ` +
      `collect it with createWandaStatistic(cols).addBatch(layerInputs) over the calibration data`,
  );
}

/**
 * Mask strategy `wanda`: `|W| · sqrt(a_c)` per group (method.md §2.1–2.2, §6.2). Needs
 * `context.inputNormSq`, the layer's activation statistic from {@link createWandaStatistic} (a host
 * array, or a tensor on the weight's backend). N:M masks are computed on the device (`groupTopK` of the
 * float32 scores, which round exactly as {@link wandaScores}); the unstructured pattern sorts on the host.
 *
 * @example
 * const stat = createWandaStatistic(4);
 * stat.addBatch(layerInputs); // [tokens, 4]
 * wandaMask.compute(weight, { n: 2, m: 4, inputNormSq: stat.value() }); // u8 tensor
 */
export const wandaMask: MaskStrategy<StructureOptions> = {
  name: "wanda",
  apiVersion: 1,
  description: "Keep the N largest |W|·sqrt(a_c) per group, a_c = mean squared input norm of column c (needs activations).",
  options: structureOptions,
  needs: { activations: true },
  compute(weight, context, options) {
    const structure = resolveStructure("wanda", options, context);
    const { rows, cols } = weightShape('mask "wanda"', weight, context.layerName);
    const a = context.inputNormSq;
    if (!a) throw missingStatistic(context, cols);
    if (structure.pattern === "nm") return nmMaskOnDevice("wanda", cols, () => mul(abs(weight), rootOnDevice(weight, a, cols, context.layerName)), context);
    return (async () => {
      const host = Tensor.isTensor(a) ? Float32Array.from(await a.data()) : a;
      const scores = wandaScores(await hostWeight(weight), host, context.layerName);
      return unstructuredMaskFromScores(scores, rows, cols, { sparsity: structure.sparsity, layerName: context.layerName });
    })();
  },
};
