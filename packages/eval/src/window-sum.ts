import { noGrad, tensor, tidy, type Backend, type Tensor } from "@adaptive-sparse/core";

/**
 * The loop perplexity and teacher KL share (method.md §7.1): the first `windows` non-overlapping windows of
 * `blockSize` tokens, `batchSize` at a time as i32 [B, L] on `backend`; `perWindow` returns one value per window
 * ([B], under noGrad and tidy); their sum comes back as a float64 host number.
 */
export async function sumOverWindows(tokens: ArrayLike<number>, blockSize: number, windows: number, batchSize: number, backend: Backend | undefined, perWindow: (idx: Tensor, batch: number) => Tensor): Promise<number> {
  let total = 0; // float64 on the host, like the reference's running sum
  for (let first = 0; first < windows; first += batchSize) {
    const B = Math.min(batchSize, windows - first);
    const ids = new Int32Array(B * blockSize);
    for (let i = 0; i < ids.length; i++) ids[i] = tokens[first * blockSize + i];
    const values = noGrad(() => tidy(() => perWindow(tensor(ids, { shape: [B, blockSize], dtype: "i32", backend }), B)));
    try {
      const host = await values.data();
      for (let b = 0; b < B; b++) total += host[b];
    } finally {
      values.dispose();
    }
  }
  return total;
}
