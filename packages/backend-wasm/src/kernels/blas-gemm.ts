import type { BlasGemm } from "../blas/blas-library.js";
import type { GemmDims } from "./wasm-gemm.js";

/**
 * Batched f32 GEMM on host arrays through the system BLAS: one `cblas_sgemm` per matrix, straight on
 * subarray views (no copies); a product with one row or one column goes to `cblas_sgemv` where the library
 * has it (OpenBLAS's sgemm runs a decode step's 1-row products well below memory speed). Same contract as
 * `wasmGemm`.
 */
export function blasGemm(blas: BlasGemm, a: Float32Array, b: Float32Array, c: Float32Array, dims: GemmDims, aIndex: ArrayLike<number>, bIndex: ArrayLike<number>): void {
  const { m, n, k, transA, transB } = dims;
  if (m === 0 || n === 0) return;
  // CBLAS rejects k = 0 (lda < 1); the product of empty matrices is zero.
  if (k === 0) {
    c.fill(0);
    return;
  }
  const sizeA = m * k;
  const sizeB = k * n;
  const sizeC = m * n;
  for (let t = 0; t < aIndex.length; t++) {
    const matA = a.subarray(aIndex[t]! * sizeA, (aIndex[t]! + 1) * sizeA);
    const matB = b.subarray(bIndex[t]! * sizeB, (bIndex[t]! + 1) * sizeB);
    const matC = c.subarray(t * sizeC, (t + 1) * sizeC);
    // One row of A (contiguous either way): c = op(B)ᵀ·a, B stored [n, k] (transB) or [k, n].
    if (m === 1 && blas.sgemv) {
      blas.sgemv(!transB, transB ? n : k, transB ? k : n, matB, transB ? k : n, matA, matC);
      continue;
    }
    // One column of B (contiguous either way): c = op(A)·b, A stored [m, k] or [k, m] (transA).
    if (n === 1 && blas.sgemv) {
      blas.sgemv(transA, transA ? k : m, transA ? m : k, matA, transA ? m : k, matB, matC);
      continue;
    }
    blas.sgemm(transA, transB, m, n, k, matA, transA ? m : k, matB, transB ? k : n, matC, n);
  }
}
