import { release, scoped } from "../engine.js";
import { ShapeError } from "../errors.js";
import { argMaxKeep, reduceMax, reduceSum, resolveAxes } from "../ops/reduce.js";
import { formatShape, shapesEqual, type Shape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { div, neg, reshape } from "../functions.js";

function dropAxes(x: Tensor, kept: Tensor, axes: readonly number[], keepdim: boolean): Tensor {
  if (keepdim) return kept;
  const out = reshape(kept, x.shape.filter((_, i) => !axes.includes(i)));
  release(kept);
  return out;
}

/** Sum over `axis` (all axes when omitted). @example sum(x, -1, true) */
export function sum(x: Tensor, axis?: number | readonly number[], keepdim = false): Tensor {
  const axes = resolveAxes("sum", x, axis);
  return dropAxes(x, reduceSum(x, axes), axes, keepdim);
}

/** Mean over `axis` (all axes when omitted); float dtypes. */
export function mean(x: Tensor, axis?: number | readonly number[], keepdim = false): Tensor {
  const axes = resolveAxes("mean", x, axis);
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  return scoped([x], () => div(sum(x, axes, keepdim), count));
}

/** Max over `axis` (all axes when omitted); ties share the gradient evenly. */
export function max(x: Tensor, axis?: number | readonly number[], keepdim = false): Tensor {
  const axes = resolveAxes("max", x, axis);
  return dropAxes(x, reduceMax(x, axes), axes, keepdim);
}

/** Min over `axis` (all axes when omitted). */
export const min = (x: Tensor, axis?: number | readonly number[], keepdim = false): Tensor => scoped([x], () => neg(max(neg(x), axis, keepdim)));

/** Index (i32) of the first maximum along `axis`. */
export function argmax(x: Tensor, axis = -1, keepdim = false): Tensor {
  const [a] = resolveAxes("argmax", x, axis);
  return dropAxes(x, argMaxKeep(x, a), [a], keepdim);
}

/** Population variance over `axis` (divides by N, as layerNorm uses). */
export function variance(x: Tensor, axis?: number | readonly number[], keepdim = false): Tensor {
  return scoped([x], () => mean(x.sub(mean(x, axis, true)).square(), axis, keepdim));
}

/**
 * Sums a broadcast gradient back down to `shape` (the reverse of broadcasting). Returns `x` itself
 * as a view when nothing was broadcast.
 */
export function sumTo(x: Tensor, shape: Shape): Tensor {
  if (shapesEqual(x.shape, shape)) return reshape(x, shape);
  const offset = x.rank - shape.length;
  if (offset < 0) throw new ShapeError(`sumTo: cannot reduce ${formatShape(x.shape)} to the larger rank ${formatShape(shape)}`);
  const axes = x.shape.map((_, i) => i).filter((i) => i < offset || (shape[i - offset] === 1 && x.shape[i] !== 1));
  const reduced = axes.length ? reduceSum(x, axes) : x;
  const out = reshape(reduced, shape);
  if (reduced !== x) release(reduced);
  return out;
}
