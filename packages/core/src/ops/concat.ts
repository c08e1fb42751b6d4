import { ShapeError } from "../errors.js";
import { runOp, type OpDef } from "../engine.js";
import { formatShape, normalizeAxis } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { narrow } from "../functions.js";
import { sameDType } from "./helpers.js";

export const concatOp: OpDef<"Concat"> = {
  name: "Concat",
  infer: (inputs, { axis }) => {
    const first = inputs[0];
    const dtype = sameDType("Concat", inputs, inputs.map((_, i) => `tensors[${i}]`));
    inputs.forEach((input, i) => {
      if (input.rank !== first.rank || input.shape.some((dim, j) => j !== axis && dim !== first.shape[j])) {
        throw new ShapeError(`Concat: tensors[${i}] is ${formatShape(input.shape)} but tensors[0] is ${formatShape(first.shape)}; all axes but ${axis} must match`);
      }
    });
    const shape = [...first.shape];
    shape[axis] = inputs.reduce((total, input) => total + input.shape[axis], 0);
    return { shape, dtype };
  },
  vjp: (g, inputs, _y, { axis }) => {
    let offset = 0;
    return inputs.map((input) => {
      const part = input.requiresGrad ? narrow(g, axis, offset, input.shape[axis]) : null;
      offset += input.shape[axis];
      return part;
    });
  },
};

/** Joins tensors along an existing axis. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new ShapeError("Concat: needs at least one tensor");
  return runOp(concatOp, tensors, { axis: normalizeAxis("Concat", axis, tensors[0].rank) });
}

/** Splits along `axis` into pieces of the given sizes (or `sections` equal pieces). */
export function split(x: Tensor, sizes: number | readonly number[], axis = 0): Tensor[] {
  const a = normalizeAxis("split", axis, x.rank);
  const extent = x.shape[a];
  const list = typeof sizes === "number" ? Array.from({ length: sizes }, () => extent / sizes) : sizes;
  if (list.some((n) => !Number.isInteger(n) || n < 0) || list.reduce((s, n) => s + n, 0) !== extent) {
    throw new ShapeError(`split: sizes [${list}] do not add up to axis ${axis} of ${formatShape(x.shape)} (${extent})`);
  }
  let offset = 0;
  return list.map((n) => {
    const piece = narrow(x, a, offset, n);
    offset += n;
    return piece;
  });
}
