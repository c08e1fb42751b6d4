import { assertDType } from "../dtype.js";
import { ShapeError } from "../errors.js";
import { runOp, scoped, type OpDef } from "../engine.js";
import { causalMask, mul, softmax, where } from "../functions.js";
import { formatShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { hasKernels } from "./fused.js";

function checkScores(op: string, x: Tensor, scale: number): void {
  assertDType(op, "scores", x.dtype, ["f32", "f64"]);
  if (x.rank < 2 || x.shape[x.rank - 1] !== x.shape[x.rank - 2]) {
    throw new ShapeError(`${op}: scores must be [..., T, T] (one row per query, one column per key), got ${formatShape(x.shape)}`);
  }
  if (!Number.isFinite(scale)) throw new RangeError(`${op}: scale must be a finite number (e.g. 1/√headDim), got ${scale}`);
}

// The gradient reads only the output y: the scores are not kept for backward, so they can be freed after forward.
const causalSoftmaxGradOp: OpDef<"CausalSoftmaxGrad"> = {
  name: "CausalSoftmaxGrad",
  infer: ([g, y]) => {
    if (g.shape.join() !== y.shape.join()) throw new ShapeError(`CausalSoftmaxGrad: gradient ${formatShape(g.shape)} must match output ${formatShape(y.shape)}`);
    return { shape: [...y.shape], dtype: y.dtype };
  },
};

export const causalSoftmaxOp: OpDef<"CausalSoftmax"> = {
  name: "CausalSoftmax",
  infer: ([x], { scale }) => {
    checkScores("CausalSoftmax", x, scale);
    return { shape: [...x.shape], dtype: x.dtype };
  },
  vjp: (g, _x, y, attrs) => [runOp(causalSoftmaxGradOp, [g, y], attrs)],
};

/**
 * Attention rows: softmax over the last axis of `scale·scores` [..., T, T] where row i sees columns j ≤ i
 * (the rest get probability 0). One fused kernel where the backend has one; otherwise mul, −∞ fill, softmax.
 */
export function causalSoftmax(scores: Tensor, scale: number): Tensor {
  checkScores("causalSoftmax", scores, scale);
  if (hasKernels(scores.backend, "CausalSoftmax", "CausalSoftmaxGrad")) return runOp(causalSoftmaxOp, [scores], { scale });
  return scoped([scores], () => softmax(where(causalMask(scores.shape[scores.rank - 1]!, scores.backend), mul(scores, scale), -Infinity), -1));
}
