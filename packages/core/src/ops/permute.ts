import { ShapeError } from "../errors.js";
import { runOp, type OpDef } from "../engine.js";
import { normalizeAxis } from "../shape.js";
import type { Tensor } from "../tensor.js";

export const permuteOp: OpDef<"Permute"> = {
  name: "Permute",
  infer: ([x], { perm }) => {
    const valid = perm.length === x.rank && [...perm].sort((a, b) => a - b).every((axis, i) => axis === i);
    if (!valid) throw new ShapeError(`Permute: [${perm}] is not a permutation of the ${x.rank} axes of [${x.shape}]`);
    return { shape: perm.map((axis) => x.shape[axis]), dtype: x.dtype };
  },
  vjp: (g, _x, _y, { perm }) => {
    const inverse = new Array<number>(perm.length);
    perm.forEach((axis, i) => (inverse[axis] = i));
    return [permute(g, inverse)];
  },
};

/** Reorders axes (copies). @example permute(x, [0, 2, 1, 3]) // (B, T, nh, hs) -> (B, nh, T, hs) */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  return runOp(permuteOp, [x], { perm: perm.map((axis) => normalizeAxis("Permute", axis, x.rank)) });
}

/** Swaps two axes. */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  const a = normalizeAxis("transpose", axis0, x.rank);
  const b = normalizeAxis("transpose", axis1, x.rank);
  const perm = x.shape.map((_, i) => i);
  [perm[a], perm[b]] = [perm[b], perm[a]];
  return permute(x, perm);
}
