import { NonFiniteError } from "@adaptive-sparse/core";
import { layerSuffix } from "./validate.js";

/**
 * Orders the `m` entries `scores[base .. base+m)` by (score ascending, column ascending) into
 * `order` (offsets 0..m−1). This is the port's deterministic tie rule (method.md §2.3): among equal
 * scores the lower column comes first, i.e. is pruned first. Insertion sort: m is tiny (4, 8) and
 * the sort is stable, which is exactly the tie rule.
 *
 * @throws NonFiniteError when a score is NaN (a NaN has no place in the order).
 * @internal
 */
export function orderGroup(
  scores: ArrayLike<number>,
  base: number,
  m: number,
  order: Int32Array,
  where: string,
  row: number,
  cols: number,
  layerName?: string,
): void {
  for (let i = 0; i < m; i++) {
    const value = scores[base + i]!;
    if (Number.isNaN(value)) throw nanError(where, row, (base % cols) + i, layerName);
    let k = i;
    // Shift only strictly larger scores right, so equal scores keep their column order.
    while (k > 0 && scores[base + order[k - 1]!]! > value) {
      order[k] = order[k - 1]!;
      k--;
    }
    order[k] = i;
  }
}

/** @internal */
export function nanError(where: string, row: number, col: number, layerName?: string): NonFiniteError {
  return new NonFiniteError(
    `${where}: score at row ${row}, column ${col} is NaN${layerSuffix(layerName)}; ` +
      `a mask cannot rank NaN — check that row of the weight (and the activation statistic) for NaN/Inf values`,
  );
}
