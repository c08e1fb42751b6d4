import { ConfigError } from "@adaptive-sparse/core";
import { nanError } from "./group-select.js";
import type { Scores } from "./types.js";
import { checkMatrix } from "./validate.js";

/** Options of {@link unstructuredMaskFromScores}. */
export interface UnstructuredSelection {
  /** Fraction of each row to prune, in [0, 1]; `floor(sparsity · cols)` entries go. Default 0.5. */
  readonly sparsity?: number;
  /** Only used in error messages. */
  readonly layerName?: string;
}

/**
 * Builds an unstructured keep-mask: per row, order the scores ascending with a stable sort (ties:
 * lower column first) and prune the first `floor(sparsity · cols)` (method.md §2.4, Wanda's
 * per-output comparison group).
 *
 * @param scores importance per weight, `[rows, cols]` row-major.
 * @returns a `Uint8Array` `[rows, cols]`, 1 = keep; every row keeps `cols − floor(sparsity · cols)`.
 * @throws ConfigError for a sparsity outside [0, 1]; ShapeError for a size mismatch;
 *   NonFiniteError naming the row of a NaN score.
 * @example
 * unstructuredMaskFromScores([4, 1, 1, 3], 1, 4, { sparsity: 0.5 }); // Uint8Array [1, 0, 0, 1]
 */
export function unstructuredMaskFromScores(
  scores: Scores,
  rows: number,
  cols: number,
  selection: UnstructuredSelection = {},
): Uint8Array {
  const where = "unstructuredMaskFromScores";
  const { sparsity = 0.5, layerName } = selection;
  checkMatrix(where, "scores", scores.length, rows, cols);
  if (!(sparsity >= 0 && sparsity <= 1)) {
    throw new ConfigError(`${where}: sparsity must be in [0, 1] (fraction of each row pruned), got ${sparsity}`);
  }
  const prune = Math.floor(sparsity * cols);
  const mask = new Uint8Array(rows * cols).fill(1);
  const order = new Int32Array(cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      if (Number.isNaN(scores[base + c]!)) throw nanError(where, r, c, layerName);
      order[c] = c;
    }
    // Explicit comparisons (not a subtraction) so ±Infinity orders correctly; column breaks ties.
    order.sort((a, b) => {
      const sa = scores[base + a]!;
      const sb = scores[base + b]!;
      return sa < sb ? -1 : sa > sb ? 1 : a - b;
    });
    for (let k = 0; k < prune; k++) mask[base + order[k]!] = 0;
  }
  return mask;
}
