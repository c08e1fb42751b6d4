import { ShapeError } from "../errors.js";
import { runOp, type OpDef } from "../engine.js";
import { formatShape, normalizeAxis } from "../shape.js";
import type { Tensor } from "../tensor.js";

// Slice and Pad are each other's gradient.
export const sliceOp: OpDef<"Slice"> = {
  name: "Slice",
  infer: ([x], { begin, size }) => {
    if (begin.length !== x.rank || size.length !== x.rank) {
      throw new ShapeError(`Slice: begin [${begin}] and size [${size}] need one entry per axis of ${formatShape(x.shape)}`);
    }
    begin.forEach((start, i) => {
      if (!Number.isInteger(start) || !Number.isInteger(size[i]) || start < 0 || size[i] < 0 || start + size[i] > x.shape[i]) {
        throw new ShapeError(`Slice: axis ${i} range [${start}, ${start + size[i]}) is outside ${formatShape(x.shape)}`);
      }
    });
    return { shape: [...size], dtype: x.dtype };
  },
  vjp: (g, [x], _y, { begin, size }) => [pad(g, begin, x.shape.map((dim, i) => dim - begin[i] - size[i]))],
};

export const padOp: OpDef<"Pad"> = {
  name: "Pad",
  infer: ([x], { before, after }) => {
    if (before.length !== x.rank || after.length !== x.rank || [...before, ...after].some((n) => !Number.isInteger(n) || n < 0)) {
      throw new ShapeError(`Pad: before [${before}] and after [${after}] need one non-negative entry per axis of ${formatShape(x.shape)}`);
    }
    return { shape: x.shape.map((dim, i) => before[i] + dim + after[i]), dtype: x.dtype };
  },
  vjp: (g, [x], _y, { before }) => [slice(g, before, [...x.shape])],
};

/** The block starting at `begin` with extent `size` (-1: to the end of the axis). Copies. */
export function slice(x: Tensor, begin: readonly number[], size: readonly number[]): Tensor {
  const resolvedSize = size.map((n, i) => (n === -1 ? x.shape[i] - begin[i] : n));
  return runOp(sliceOp, [x], { begin: [...begin], size: resolvedSize });
}

/** Zero-pads each axis with `before[i]` leading and `after[i]` trailing zeros. */
export function pad(x: Tensor, before: readonly number[], after: readonly number[]): Tensor {
  return runOp(padOp, [x], { before: [...before], after: [...after] });
}

/** `x[..., start:end, ...]` along one axis (like `torch.narrow`). */
export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  const a = normalizeAxis("narrow", axis, x.rank);
  const begin = x.shape.map((_, i) => (i === a ? start : 0));
  const size = x.shape.map((dim, i) => (i === a ? length : dim));
  return slice(x, begin, size);
}
