import { ShapeError } from "../errors.js";
import { runOp, type OpDef } from "../engine.js";
import { normalizeAxis } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { reshape } from "./reshape.js";

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

/** True when `perm` (a valid permutation) moves only axes of size 1: the elements keep their memory order. */
function keepsOrder(shape: readonly number[], perm: readonly number[]): boolean {
  let last = -1;
  for (const axis of perm) {
    if (shape[axis] === 1) continue;
    if (axis < last) return false;
    last = axis;
  }
  return true;
}

const isPermutation = (perm: readonly number[], rank: number) => perm.length === rank && perm.every((axis, i) => perm.indexOf(axis) === i);

/**
 * Reorders axes. Copies, except where only axes of size 1 move (or none): the result is then a view
 * sharing x's buffer, like `reshape`, as in decoding's (B, 1, nh, hs) -> (B, nh, 1, hs), which copied four
 * times a layer per token. @example permute(x, [0, 2, 1, 3]) // (B, T, nh, hs) -> (B, nh, T, hs)
 */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const axes = perm.map((axis) => normalizeAxis("Permute", axis, x.rank));
  if (isPermutation(axes, x.rank) && keepsOrder(x.shape, axes)) return reshape(x, axes.map((axis) => x.shape[axis]!));
  return runOp(permuteOp, [x], { perm: axes });
}

/** Swaps two axes. */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  const a = normalizeAxis("transpose", axis0, x.rank);
  const b = normalizeAxis("transpose", axis1, x.rank);
  const perm = x.shape.map((_, i) => i);
  [perm[a], perm[b]] = [perm[b], perm[a]];
  return permute(x, perm);
}
