import { MaskPatternError } from "./errors.js";
import type { NMSelection } from "./types.js";
import { checkMatrix, checkPattern, layerSuffix } from "./validate.js";

/**
 * Counts the nonzero entries of every group of `m` consecutive columns of each row. Works on masks
 * and on weights (after `W = M ⊙ W` every group has at most N nonzeros, method.md §10.1 item 1).
 *
 * @param values `[rows, cols]` row-major.
 * @returns an `Int32Array` `[rows, cols / m]`: the count for row r, group g is at `r * (cols / m) + g`.
 * @throws ShapeError for a size mismatch or `cols % m != 0`.
 * @example
 * countNonzeroPerGroup([0, 1, 1, 0, 1, 1, 1, 0], 1, 8, 4); // Int32Array [2, 3]
 */
export function countNonzeroPerGroup(values: ArrayLike<number>, rows: number, cols: number, m: number): Int32Array {
  const where = "countNonzeroPerGroup";
  checkMatrix(where, "values", values.length, rows, cols);
  checkPattern(where, { n: 1, m }, cols);
  const counts = new Int32Array((rows * cols) / m);
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== 0) counts[Math.floor(i / m)]!++;
  }
  return counts;
}

/**
 * Asserts that a keep-mask is N:M-valid: every entry is 0 or 1 and every group of M consecutive
 * columns of every row holds exactly N ones (method.md §1.2).
 *
 * @param mask `[rows, cols]` row-major, 1 = keep.
 * @throws MaskPatternError naming the row, group, columns and count of the first bad group (and
 *   the layer when `layerName` is given); ConfigError/ShapeError for a bad pattern or size.
 * @example
 * assertNM(new Uint8Array([0, 1, 1, 0]), 1, 4, { n: 2, m: 4 }); // passes
 */
export function assertNM(mask: ArrayLike<number>, rows: number, cols: number, selection: NMSelection): void {
  const where = "assertNM";
  checkMatrix(where, "mask", mask.length, rows, cols);
  checkPattern(where, selection, cols, selection.layerName);
  const { n, m, layerName } = selection;
  const groupsPerRow = cols / m;
  for (let base = 0; base < mask.length; base += m) {
    let ones = 0;
    for (let k = 0; k < m; k++) {
      const value = mask[base + k];
      if (value === 1) ones++;
      else if (value !== 0) {
        const row = Math.floor(base / cols);
        throw new MaskPatternError(
          `${where}: mask entry at row ${row}, column ${(base % cols) + k} is ${value}${layerSuffix(layerName)}; ` +
            `a keep-mask holds only 0 (pruned) and 1 (kept)`,
        );
      }
    }
    if (ones !== n) {
      const row = Math.floor(base / cols);
      const group = Math.floor((base % cols) / m);
      throw new MaskPatternError(
        `${where}: row ${row}, group ${group} (columns ${group * m}–${group * m + m - 1}) keeps ${ones} of ${m}, ` +
          `expected exactly ${n}${layerSuffix(layerName)}; ${groupsPerRow} groups per row. Recompute the mask ` +
          `with nmMaskFromScores (a threshold such as |w| ≥ 2nd-largest keeps extra entries on ties)`,
      );
    }
  }
}

/**
 * {@link assertNM} for 2:4 (method.md §10.1 item 1).
 *
 * @example
 * assertIs24(new Uint8Array([1, 1, 0, 0]), 1, 4);
 */
export function assertIs24(mask: ArrayLike<number>, rows: number, cols: number, layerName?: string): void {
  assertNM(mask, rows, cols, { n: 2, m: 4, layerName });
}
