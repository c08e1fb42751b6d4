import { decompose, divide } from "./decompose.js";

/**
 * One thread per output element of `C[b] = op(A[b]) · op(B[b])`, the transposes baked into the indexing.
 * Params `[n, M, N, K, batchRank, batchShape..., aBatchStrides..., bBatchStrides...]` (strides in elements).
 */
export function matmulSource(transA: boolean, transB: boolean): string {
  const aAt = transA ? "aBase + k * M + row" : "aBase + row * K + k";
  const bAt = transB ? "bBase + col * K + k" : "bBase + k * N + col";
  return `function (a, b, p) {
    const i = this.thread.x;
    const M = p[1];
    const N = p[2];
    const K = p[3];
    const rank = p[4];
    ${divide("batch", "i", "M * N")}
    const cell = i - batch * M * N;
    ${divide("row", "cell", "N")}
    const col = cell - row * N;
    let aBase = 0;
    let bBase = 0;
    ${decompose("batch", "rank", "5", [{ name: "aBase", strideAt: "5 + rank" }, { name: "bBase", strideAt: "5 + 2 * rank" }], "B")}
    let sum = 0;
    for (let k = 0; k < K; k++) {
      sum = sum + a[${aAt}] * b[${bAt}];
    }
    return sum;
  }`;
}
