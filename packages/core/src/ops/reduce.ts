import { assertDType } from "../dtype.js";
import { ShapeError } from "../errors.js";
import { runOp, type OpDef } from "../engine.js";
import { formatShape, normalizeAxis } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { cast, div, eq, expand, mul, sum } from "../functions.js";

function reducedShape(op: string, x: Tensor, axes: readonly number[]): number[] {
  for (const axis of axes) {
    if (x.shape[axis] === 0) {
      throw new ShapeError(`${op}: cannot reduce axis ${axis} of ${formatShape(x.shape)}: it is empty (reductions over zero elements have no value)`);
    }
  }
  return x.shape.map((dim, i) => (axes.includes(i) ? 1 : dim));
}

export const reduceSumOp: OpDef<"ReduceSum"> = {
  name: "ReduceSum",
  infer: ([x], { axes }) => {
    assertDType("ReduceSum", "x", x.dtype, ["f32", "f64", "i32"]);
    return { shape: reducedShape("ReduceSum", x, axes), dtype: x.dtype };
  },
  vjp: (g, [x]) => [expand(g, x.shape)],
};

/** Gradient flows to every maximal element, split evenly among ties (as PyTorch's `amax`). */
export const reduceMaxOp: OpDef<"ReduceMax"> = {
  name: "ReduceMax",
  infer: ([x], { axes }) => {
    assertDType("ReduceMax", "x", x.dtype, ["f32", "f64", "i32"]);
    return { shape: reducedShape("ReduceMax", x, axes), dtype: x.dtype };
  },
  vjp: (g, [x], y, { axes }) => {
    const isMax = cast(eq(x, y), g.dtype);
    const count = sum(isMax, axes, true);
    return [mul(expand(div(g, count), x.shape), isMax)];
  },
};

export const argMaxOp: OpDef<"ArgMax"> = {
  name: "ArgMax",
  infer: ([x], { axis }) => ({ shape: reducedShape("ArgMax", x, [axis]), dtype: "i32" }),
};

/** Normalises `axis` (number, list or all) to sorted positive axes. */
export function resolveAxes(op: string, x: Tensor, axis?: number | readonly number[]): number[] {
  if (axis === undefined) return x.shape.map((_, i) => i);
  const list = typeof axis === "number" ? [axis] : axis;
  const axes = list.map((a) => normalizeAxis(op, a, x.rank));
  if (new Set(axes).size !== axes.length) throw new ShapeError(`${op}: axis list [${list}] repeats an axis`);
  return axes.sort((a, b) => a - b);
}

/** Sum over axes, keeping them as size 1 (the primitive). */
export const reduceSum = (x: Tensor, axes: number[]): Tensor => runOp(reduceSumOp, [x], { axes });
/** Max over axes, keeping them as size 1 (the primitive). */
export const reduceMax = (x: Tensor, axes: number[]): Tensor => runOp(reduceMaxOp, [x], { axes });
/** Index of the first maximum along `axis`, as i32 (the primitive keeps the axis as size 1). */
export const argMaxKeep = (x: Tensor, axis: number): Tensor => runOp(argMaxOp, [x], { axis });
