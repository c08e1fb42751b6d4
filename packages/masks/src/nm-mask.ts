import { orderGroup } from "./group-select.js";
import type { NMSelection, Scores } from "./types.js";
import { checkMatrix, checkPattern } from "./validate.js";

/**
 * Builds an N:M keep-mask from importance scores: in every group of M consecutive columns of a row,
 * keep the N highest scores and prune the M−N lowest (method.md §2.3).
 *
 * Ties are broken deterministically: the group is ordered by (score ascending, column ascending) and
 * the first M−N are pruned, so an all-equal group `[x, x, x, x]` keeps columns 2 and 3.
 *
 * @param scores importance per weight, `[rows, cols]` row-major (any numeric array type).
 * @param rows output units (weight rows).
 * @param cols input features (weight columns); must be a multiple of `m`.
 * @param selection `{ n, m, layerName? }`; the layer name is only used in error messages.
 * @returns a `Uint8Array` `[rows, cols]` with 1 = keep, exactly `n` ones per group.
 * @throws ConfigError for a bad n/m; ShapeError for a size mismatch or `cols % m != 0`;
 *   NonFiniteError naming the row (and layer) of the first NaN score.
 * @example
 * nmMaskFromScores([1, 3, 3, 2], 1, 4, { n: 2, m: 4 }); // Uint8Array [0, 1, 1, 0]
 */
export function nmMaskFromScores(scores: Scores, rows: number, cols: number, selection: NMSelection): Uint8Array {
  const where = "nmMaskFromScores";
  checkMatrix(where, "scores", scores.length, rows, cols);
  checkPattern(where, selection, cols, selection.layerName);
  const { n, m, layerName } = selection;
  const mask = new Uint8Array(rows * cols).fill(1);
  const order = new Int32Array(m);
  const prune = m - n;
  for (let r = 0; r < rows; r++) {
    for (let base = r * cols; base < (r + 1) * cols; base += m) {
      orderGroup(scores, base, m, order, where, r, cols, layerName);
      for (let k = 0; k < prune; k++) mask[base + order[k]!] = 0;
    }
  }
  return mask;
}
