import { ShapeError } from "../errors.js";
import { runOp, type OpDef } from "../engine.js";
import { broadcastShapes, formatShape, shapesEqual } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { reshape, sumTo } from "../functions.js";

export const expandOp: OpDef<"Expand"> = {
  name: "Expand",
  infer: ([x], { shape }) => {
    if (!shapesEqual(broadcastShapes("Expand", x.shape, shape, ["x", "shape"]), shape)) {
      throw new ShapeError(`Expand: cannot expand ${formatShape(x.shape)} to ${formatShape(shape)} (only size-1 axes grow)`);
    }
    return { shape: [...shape], dtype: x.dtype };
  },
  vjp: (g, [x]) => [sumTo(g, x.shape)],
};

/** Materialises `x` broadcast to `shape` (-1 keeps a dimension). Same as `broadcastTo`. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const offset = shape.length - x.rank;
  const resolved = shape.map((dim, i) => (dim === -1 ? x.shape[i - offset] : dim));
  if (shapesEqual(resolved, x.shape)) return reshape(x, resolved);
  return runOp(expandOp, [x], { shape: resolved });
}
