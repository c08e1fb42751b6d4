import type { BlasGemm } from "../blas/blas-library.js";
import type { GemmDims } from "./wasm-gemm.js";

/**
 * Batched f32 GEMM on host arrays through the system BLAS: one `cblas_sgemm` per matrix, straight on
 * subarray views (no copies). Same contract as `wasmGemm`.
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
    const ai = aIndex[t]!;
    const bi = bIndex[t]!;
    blas.sgemm(
      transA, transB, m, n, k,
      a.subarray(ai * sizeA, (ai + 1) * sizeA), transA ? m : k,
      b.subarray(bi * sizeB, (bi + 1) * sizeB), transB ? k : n,
      c.subarray(t * sizeC, (t + 1) * sizeC), n,
    );
  }
}
