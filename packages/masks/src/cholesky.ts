import { NotPositiveDefiniteError } from "./errors.js";

/**
 * Rows handled together. The algorithms below are plain textbook loops, but rows are processed in
 * blocks so every earlier row read from memory serves a whole block of dot products: at GPT-2 sizes
 * (n = 3072, 75 MB per matrix) the unblocked loops are bound by memory traffic, not arithmetic.
 */
const BLOCK = 16;

/**
 * Cholesky factor of a symmetric positive definite matrix, float64: `A = L Lᵀ` with L lower
 * triangular (row-major, upper part zero). Only the lower triangle of `a` is read.
 *
 * @param a `[n, n]` row-major.
 * @throws NotPositiveDefiniteError at the first pivot that is not > 0 (or not finite).
 * @example
 * choleskyLower(new Float64Array([4, 2, 2, 5]), 2); // Float64Array [2, 0, 1, 2]
 */
export function choleskyLower(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const i1 = Math.min(i0 + BLOCK, n);
    // Entries of the block's rows left of the block: L_ij = (A_ij − L[i, :j]·L[j, :j]) / L_jj.
    for (let j = 0; j < i0; j++) {
      const rowJ = j * n;
      const ljj = l[rowJ + j]!;
      for (let i = i0; i < i1; i++) {
        const rowI = i * n;
        let sum = a[rowI + j]!;
        for (let k = 0; k < j; k++) sum -= l[rowI + k]! * l[rowJ + k]!;
        l[rowI + j] = sum / ljj;
      }
    }
    // The block's own lower triangle, including the pivots.
    for (let i = i0; i < i1; i++) {
      const rowI = i * n;
      for (let j = i0; j <= i; j++) {
        const rowJ = j * n;
        let sum = a[rowI + j]!;
        for (let k = 0; k < j; k++) sum -= l[rowI + k]! * l[rowJ + k]!;
        if (i === j) {
          if (!(sum > 0) || !Number.isFinite(sum)) {
            throw new NotPositiveDefiniteError(
              `choleskyLower: pivot ${i} of ${n} is ${sum}; the matrix is not symmetric positive definite`,
            );
          }
          l[rowI + i] = Math.sqrt(sum);
        } else {
          l[rowI + j] = sum / l[rowJ + j]!;
        }
      }
    }
  }
  return l;
}

/** X = L⁻¹ (lower triangular), by rows: `X[i, :] = (e_i − Σ_{k<i} L_ik X[k, :]) / L_ii`. */
function invertLower(l: Float64Array, n: number): Float64Array {
  const x = new Float64Array(n * n);
  const subtractRow = (i: number, k: number) => {
    const lik = l[i * n + k]!;
    if (lik === 0) return;
    const rowI = i * n;
    const rowK = k * n;
    for (let j = 0; j <= k; j++) x[rowI + j]! -= lik * x[rowK + j]!;
  };
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const i1 = Math.min(i0 + BLOCK, n);
    // Finished rows k < i0 feed every row of the block while they are in cache.
    for (let k = 0; k < i0; k++) for (let i = i0; i < i1; i++) subtractRow(i, k);
    for (let i = i0; i < i1; i++) {
      for (let k = i0; k < i; k++) subtractRow(i, k);
      const rowI = i * n;
      const inverseDiag = 1 / l[rowI + i]!;
      for (let j = 0; j < i; j++) x[rowI + j]! *= inverseDiag;
      x[rowI + i] = inverseDiag;
    }
  }
  return x;
}

/**
 * Inverse of `A` from its Cholesky factor: `A⁻¹ = L⁻ᵀ L⁻¹`, float64, symmetric.
 *
 * @param l lower Cholesky factor `[n, n]` from {@link choleskyLower}.
 * @returns `A⁻¹`, `[n, n]` row-major (both triangles filled).
 */
export function inverseFromCholesky(l: Float64Array, n: number): Float64Array {
  const x = invertLower(l, n);
  // A⁻¹ = Xᵀ X. With Y = Xᵀ (upper), (A⁻¹)_ij = Σ_{k ≥ max(i,j)} Y_ik Y_jk: contiguous dot products.
  const y = new Float64Array(n * n);
  for (let k = 0; k < n; k++) for (let i = 0; i <= k; i++) y[i * n + k] = x[k * n + i]!;
  const inv = new Float64Array(n * n);
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const i1 = Math.min(i0 + BLOCK, n);
    for (let j = i0; j < n; j++) {
      const rowJ = j * n;
      for (let i = i0; i < Math.min(i1, j + 1); i++) {
        const rowI = i * n;
        let sum = 0;
        for (let k = j; k < n; k++) sum += y[rowI + k]! * y[rowJ + k]!;
        inv[rowI + j] = sum;
        inv[rowJ + i] = sum;
      }
    }
  }
  return inv;
}

/**
 * Upper Cholesky factor: `A = Uᵀ U` with U upper triangular (the transpose of {@link choleskyLower}).
 *
 * @throws NotPositiveDefiniteError when `A` is not positive definite.
 */
export function choleskyUpper(a: Float64Array, n: number): Float64Array {
  const l = choleskyLower(a, n);
  const u = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) u[j * n + i] = l[i * n + j]!;
  return u;
}

/**
 * U with `A⁻¹ = UᵀU` (upper triangular: what SparseGPT's sweep reads) without forming A⁻¹. With J the
 * order-reversing permutation and L the lower Cholesky factor of J·A·J, U = J·L⁻¹·J: one factorisation and one
 * triangular inverse (2 · n³/6 multiply-adds) where factor → inverse → factor again took four, and the inverse
 * is never squared. U is unique, so this is the reference's chol(A⁻¹, upper) up to rounding.
 *
 * @throws NotPositiveDefiniteError when `A` is not positive definite (the pivot counts from A's last row).
 */
export function inverseUpperCholesky(a: Float64Array, n: number): Float64Array {
  const reversed = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) reversed[i * n + j] = a[(n - 1 - i) * n + (n - 1 - j)]!;
  const x = invertLower(choleskyLower(reversed, n), n);
  const u = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) u[(n - 1 - i) * n + (n - 1 - j)] = x[i * n + j]!;
  return u;
}
