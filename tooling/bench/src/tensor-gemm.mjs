// GEMM through the tensor API, for backends whose buffers are not host arrays (webgpu) or whose kernels
// queue (gpu.js): C = A·B with A and B already on the backend, and C read back to the host, which is
// also what makes a GPU finish the work before the clock stops.
import { matmul, tensor } from "@adaptive-sparse/core";
import { gflops, measureInterleaved, randomArray } from "./measure.mjs";

/**
 * @param shapes [{ m, k, n }]
 * @param samples measureInterleaved options (these backends are slow here: keep the counts low)
 * @returns [{ m, k, n, medianMs, minMs, samples, gflops }]
 */
export async function measureTensorGemm(backend, shapes, samples) {
  const results = [];
  for (const { m, k, n } of shapes) {
    const a = tensor(randomArray(m * k, 1), { shape: [m, k], backend });
    const b = tensor(randomArray(k * n, 2), { shape: [k, n], backend });
    const run = async () => {
      const c = matmul(a, b);
      await c.data();
      c.dispose();
    };
    const [timing] = await measureInterleaved([run], samples);
    results.push({ m, k, n, ...timing, gflops: gflops(m, k, n, timing.medianMs) });
    a.dispose();
    b.dispose();
  }
  return results;
}
