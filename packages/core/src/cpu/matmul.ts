import type { BufferInfo } from "../backend.js";
import type { TypedArray } from "../dtype.js";
import { broadcastStrides } from "../shape.js";
import { offsets } from "./offsets.js";

type Info = BufferInfo<TypedArray>;
type Float = Float32Array | Float64Array;

const BLOCK = 64;

/**
 * One GEMM `C[M,N] = op(A) · op(B)` at the given offsets. Each transpose case walks memory
 * contiguously in its inner loop; NN is blocked over k so rows of B stay in cache.
 */
function gemm(a: Float, aOff: number, b: Float, bOff: number, c: Float, cOff: number, m: number, n: number, k: number, transA: boolean, transB: boolean): void {
  if (!transA && transB) {
    // C[i,j] = A[i,:] · B[j,:]: two contiguous rows per dot product, summed in doubles.
    for (let i = 0; i < m; i++) {
      const ai = aOff + i * k;
      for (let j = 0; j < n; j++) {
        const bj = bOff + j * k;
        let sum = 0;
        for (let p = 0; p < k; p++) sum += a[ai + p] * b[bj + p];
        c[cOff + i * n + j] = sum;
      }
    }
    return;
  }
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let p0 = 0; p0 < k; p0 += BLOCK) {
      const p1 = Math.min(k, p0 + BLOCK);
      for (let p = p0; p < p1; p++) {
        const av = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
        if (av === 0) continue;
        if (transB) for (let j = 0; j < n; j++) row[j] += av * b[bOff + j * k + p];
        else {
          const bp = bOff + p * n;
          for (let j = 0; j < n; j++) row[j] += av * b[bp + j];
        }
      }
    }
    c.set(row, cOff + i * n);
  }
}

export function matMul(out: Info, [x, y]: readonly Info[], { transA, transB }: { transA: boolean; transB: boolean }): void {
  const a = x.handle as Float;
  const b = y.handle as Float;
  const c = out.handle as Float;
  const rank = out.shape.length;
  const [m, n] = [out.shape[rank - 2], out.shape[rank - 1]];
  const k = transA ? x.shape[x.shape.length - 2] : x.shape[x.shape.length - 1];
  const batch = out.shape.slice(0, -2);
  // Batch offsets (in matrices) for broadcast leading axes.
  const aBatch = offsets(batch, broadcastStrides(x.shape.slice(0, -2), batch));
  const bBatch = offsets(batch, broadcastStrides(y.shape.slice(0, -2), batch));
  for (let t = 0; t < aBatch.length; t++) {
    gemm(a, aBatch[t] * m * k, b, bBatch[t] * k * n, c, t * m * n, m, n, k, transA, transB);
  }
}
