import { ShapeError, cast, formatShape, ne, noGrad, shapesEqual, sum, tidy, type Tensor } from "@adaptive-sparse/core";

/** One layer's masks before and after a refresh. */
export interface MaskPair {
  readonly prev: Uint8Array;
  readonly next: Uint8Array;
}

/**
 * Number of positions where two masks differ (method.md §3.10). For two N:M-valid masks of one
 * layer the count is even: inside a group each kept→pruned change pairs with a pruned→kept one.
 *
 * @throws ShapeError when the masks differ in length.
 * @example
 * flipCount(new Uint8Array([1, 1, 0, 0]), new Uint8Array([0, 1, 1, 0])); // 2
 */
export function flipCount(prev: Uint8Array, next: Uint8Array): number {
  if (prev.length !== next.length) {
    throw new ShapeError(
      `flipCount: masks have ${prev.length} and ${next.length} elements; compare masks of the same layer`,
    );
  }
  let flips = 0;
  for (let i = 0; i < prev.length; i++) if (prev[i] !== next[i]) flips++;
  return flips;
}

/**
 * Flip ratio of one layer: {@link flipCount} / number of mask entries (0 for an empty mask).
 *
 * @example
 * flipRatio(new Uint8Array([1, 1, 0, 0]), new Uint8Array([0, 1, 1, 0])); // 0.5
 */
export function flipRatio(prev: Uint8Array, next: Uint8Array): number {
  const flips = flipCount(prev, next);
  return prev.length === 0 ? 0 : flips / prev.length;
}

/**
 * Model-wide flip statistics: flips summed over layers, divided by the total number of prunable
 * weights `P_total` (method.md §3.10, normalisation of §1.3).
 *
 * @returns `{ flips, total, ratio }`.
 * @example
 * totalFlips([{ prev: maskA0, next: maskA1 }, { prev: maskB0, next: maskB1 }]).ratio;
 */
export function totalFlips(layers: Iterable<MaskPair>): { flips: number; total: number; ratio: number } {
  let flips = 0;
  let total = 0;
  for (const { prev, next } of layers) {
    flips += flipCount(prev, next);
    total += prev.length;
  }
  return { flips, total, ratio: total === 0 ? 0 : flips / total };
}

/**
 * {@link flipCount} on the device: `ne(prev, next).sum()` as an i32 scalar tensor on the masks' backend
 * (the caller owns it; read it when reporting). Nothing is read back.
 *
 * @throws ShapeError when the masks differ in shape.
 * @example const flips = flipCountTensor(layer.mask, next); // read later: (await flips.data())[0]
 */
export function flipCountTensor(prev: Tensor, next: Tensor): Tensor {
  if (!shapesEqual(prev.shape, next.shape)) {
    throw new ShapeError(`flipCountTensor: masks are ${formatShape(prev.shape)} and ${formatShape(next.shape)}; compare masks of the same layer`);
  }
  return noGrad(() => tidy(() => sum(cast(ne(prev, next), "i32"))));
}
