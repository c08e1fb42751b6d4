import { DTypeError, ShapeError, Tensor, formatShape, tensor } from "@adaptive-sparse/core";
import type { MaskStrategy, MaskContext, MaskResult } from "./mask-strategy.js";
import type { WeightMatrix } from "./types.js";
import { layerSuffix } from "./validate.js";

/**
 * Checks that a strategy's weight is a float `[out, in]` tensor and returns its rows and columns.
 * @throws ShapeError for another rank; DTypeError for a non-float weight.
 */
export function weightShape(where: string, weight: Tensor, layerName?: string): { rows: number; cols: number } {
  if (!Tensor.isTensor(weight)) throw new ShapeError(`${where}: the weight must be a Tensor [out, in]${layerSuffix(layerName)}; wrap host data with tensor(data, { shape: [rows, cols] })`);
  if (weight.rank !== 2) throw new ShapeError(`${where}: the weight must be a matrix [out, in], got ${formatShape(weight.shape)}${layerSuffix(layerName)}`);
  if (weight.dtype !== "f32" && weight.dtype !== "f64") throw new DTypeError(`${where}: the weight has dtype ${weight.dtype}, expected f32${layerSuffix(layerName)}`);
  return { rows: weight.shape[0], cols: weight.shape[1] };
}

/**
 * The host view of a strategy's weight, for strategies that work on plain arrays (random draws,
 * SparseGPT's float64 Cholesky): one asynchronous read from the weight's backend.
 * @example const { data, rows, cols } = await hostWeight(weight);
 */
export async function hostWeight(weight: Tensor): Promise<WeightMatrix> {
  const { rows, cols } = weightShape("hostWeight", weight);
  return { data: Float32Array.from(await weight.data()), rows, cols };
}

/**
 * A strategy's result as a u8 mask tensor on `weight`'s backend (a host `Uint8Array` is uploaded once).
 * @throws ShapeError/DTypeError when the result is not a u8 mask of the weight's shape.
 */
export function maskTensor(where: string, result: MaskResult, weight: Tensor): Tensor {
  if (Tensor.isTensor(result)) {
    if (result.dtype !== "u8") throw new DTypeError(`${where}: the strategy returned a ${result.dtype} mask; return u8 (1 = keep), e.g. with .cast("u8")`);
    if (result.shape.join() !== weight.shape.join()) throw new ShapeError(`${where}: the strategy returned a mask ${formatShape(result.shape)} for a weight ${formatShape(weight.shape)}`);
    return result;
  }
  if (!(result instanceof Uint8Array) || result.length !== weight.size) {
    throw new ShapeError(`${where}: the strategy returned ${result instanceof Uint8Array ? `${result.length} values` : typeof result} for a weight ${formatShape(weight.shape)}; return a u8 Tensor or a Uint8Array of its size`);
  }
  return tensor(result, { shape: weight.shape, dtype: "u8", backend: weight.backend });
}

/**
 * Runs a strategy on a device weight and returns the mask as a u8 tensor on the weight's backend
 * (what the trainer calls at every refresh).
 * @example const mask = await computeMask(magnitudeMask, layer.weight, { n: 2, m: 4 });
 */
export async function computeMask<Options>(strategy: MaskStrategy<Options>, weight: Tensor, context: MaskContext, options?: Options): Promise<Tensor> {
  return maskTensor(`mask "${strategy.name}"`, await strategy.compute(weight, context, options), weight);
}

/** Runs a strategy on a host matrix (cpu tensors) and returns the mask as a host array: for scripts and tests. */
export async function computeMaskHost<Options>(strategy: MaskStrategy<Options>, weight: WeightMatrix, context: MaskContext, options?: Options): Promise<Uint8Array> {
  const w = tensor(weight.data, { shape: [weight.rows, weight.cols] });
  try {
    const mask = await computeMask(strategy, w, context, options);
    const data = Uint8Array.from(await mask.data());
    mask.dispose();
    return data;
  } finally {
    w.dispose();
  }
}
