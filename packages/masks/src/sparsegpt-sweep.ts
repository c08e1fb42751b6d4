import { orderGroup } from "./group-select.js";

/** Inputs of {@link obsSweep}: the prepared float64 problem. @internal */
export interface SweepProblem {
  /** Weight `[rows, cols]` float64, updated in place into the pruned, compensated weight. */
  readonly w: Float64Array;
  readonly rows: number;
  readonly cols: number;
  /** Upper Cholesky factor U of H⁻¹ (`H⁻¹ = UᵀU`), `[cols, cols]` row-major. */
  readonly u: Float64Array;
  readonly n: number;
  readonly m: number;
  readonly blockSize: number;
  readonly layerName?: string;
}

/**
 * SparseGPT's block-wise OBS sweep (method.md §6.3 step 5). Works in place on `w`, which plays W
 * and, inside the current block, W1 (the block is zeroed/compensated column by column and ends up
 * holding Q1, exactly what the reference writes back).
 *
 * @returns the keep-mask and the per-row diagnostic loss `Σ_j e_j² / 2`.
 * @internal
 */
export function obsSweep(problem: SweepProblem): { mask: Uint8Array; rowLoss: Float64Array } {
  const { w, rows, cols, u, n, m, blockSize, layerName } = problem;
  const mask = new Uint8Array(rows * cols).fill(1);
  const rowLoss = new Float64Array(rows);
  const scores = new Float64Array(m);
  const order = new Int32Array(m);
  const errors = new Float64Array(rows * blockSize); // E1: [rows, width]
  for (let i1 = 0; i1 < cols; i1 += blockSize) {
    const i2 = Math.min(i1 + blockSize, cols);
    const width = i2 - i1;
    for (let j = 0; j < width; j++) {
      const col = i1 + j;
      const uRow = col * cols; // row `col` of U
      if (j % m === 0) {
        // Choose the group's mask from the already-compensated weights: score = w² / U_cc².
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < m; c++) {
            const d = u[(col + c) * cols + col + c]!;
            const value = w[r * cols + col + c]!;
            scores[c] = (value * value) / (d * d);
          }
          orderGroup(scores, 0, m, order, "sparsegpt", r, cols, layerName);
          for (let k = 0; k < m - n; k++) mask[r * cols + col + order[k]!] = 0;
        }
      }
      const d = u[uRow + col]!;
      for (let r = 0; r < rows; r++) {
        const at = r * cols + col;
        const value = w[at]!;
        const kept = mask[at] === 1 ? value : 0;
        const e = (value - kept) / d;
        errors[r * width + j] = e;
        rowLoss[r]! += (e * e) / 2;
        // W1[r, j] − e·U[col, col] = q exactly in real arithmetic; store q itself, as the reference's Q1 does.
        w[at] = kept;
        if (e === 0) continue;
        for (let k = col + 1; k < i2; k++) w[r * cols + k]! -= e * u[uRow + k]!;
      }
    }
    // Propagate the block's errors to the later columns: W[:, i2:] −= E1 · U[i1:i2, i2:].
    if (i2 < cols) {
      for (let r = 0; r < rows; r++) {
        const rowW = r * cols;
        for (let j = 0; j < width; j++) {
          const e = errors[r * width + j]!;
          if (e === 0) continue;
          const uRow = (i1 + j) * cols;
          for (let k = i2; k < cols; k++) w[rowW + k]! -= e * u[uRow + k]!;
        }
      }
    }
  }
  return { mask, rowLoss };
}
