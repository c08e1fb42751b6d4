import { ConfigError, ShapeError } from "@adaptive-sparse/core";
import type { NMPattern } from "./types.js";

/** `" (layer q_proj)"` when a layer name is known, else `""`; appended to error messages. */
export function layerSuffix(layerName: string | undefined): string {
  return layerName ? ` (layer ${layerName})` : "";
}

/**
 * Checks the matrix dimensions and that `length` matches them.
 *
 * @throws ShapeError naming `where`, the argument and both sizes.
 */
export function checkMatrix(where: string, what: string, length: number, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new ShapeError(`${where}: rows and cols must be non-negative integers, got rows=${rows}, cols=${cols}`);
  }
  if (length !== rows * cols) {
    throw new ShapeError(
      `${where}: ${what} has ${length} elements but rows×cols = ${rows}×${cols} = ${rows * cols}; ` +
        `pass the [out, in] shape of the weight it belongs to`,
    );
  }
}

/**
 * Checks an N:M pattern against a column count (method.md §1.2: 0 < N < M, `cols % M == 0`).
 *
 * @throws ConfigError for a bad N or M; ShapeError when the columns do not split into groups of M.
 */
export function checkPattern(where: string, pattern: NMPattern, cols: number, layerName?: string): void {
  const { n, m } = pattern;
  if (!Number.isInteger(m) || m < 2) {
    throw new ConfigError(`${where}: m must be an integer ≥ 2 (the group width, e.g. 4 for 2:4), got m=${m}`);
  }
  if (!Number.isInteger(n) || n < 1 || n >= m) {
    throw new ConfigError(`${where}: n must be an integer with 1 ≤ n < m (kept entries per group), got ${n}:${m}`);
  }
  if (cols % m !== 0) {
    throw new ShapeError(
      `${where}: cols=${cols} is not a multiple of m=${m}${layerSuffix(layerName)}; N:M groups are M consecutive ` +
        `input columns of one row, so the [out, in] weight needs in % m == 0 (did you pass a transposed weight?)`,
    );
  }
}
