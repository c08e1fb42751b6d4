// Decode-shaped products: y = x · Wᵀ for one token (x [1, k], W [n, k]), dense against our 2:4 kernel.
import { compress24 } from "@adaptive-sparse/io";
import { REWARM_MS, measureInterleaved, randomArray } from "./measure.mjs";

const info = (handle, shape, dtype = "f32") => ({ handle, shape, dtype });

/** A dense W [n, k] with the 2:4 pattern (2 kept of every 4 along a row, positions varying). */
export function random24Weight(n, k, seed = 3) {
  const dense = randomArray(n * k, seed);
  const pairs = [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]];
  for (let g = 0; g < (n * k) / 4; g++) {
    const [a, b] = pairs[(g * 7 + (g >> 3)) % 6];
    for (let p = 0; p < 4; p++) if (p !== a && p !== b) dense[g * 4 + p] = 0;
  }
  return dense;
}

/**
 * Times, on one backend, the dense GEMV and the 2:4 GEMV both through the kernel table (the weight is a
 * backend buffer, so it stays resident in wasm memory across calls, as in a decode loop) and through the
 * host-array methods (every operand copied in on every call); `peerDense`, when given (PyTorch's mv), in
 * the same rounds.
 */
export async function benchGemv(backend, n, k, peerDense) {
  const dense = random24Weight(n, k);
  const { values, indices } = compress24(dense, n, k);
  const x = randomArray(k, 4);
  const y = new Float32Array(n);
  const kernelDense = () => backend.kernels.MatMul(info(y, [1, n]), [info(x, [1, k]), info(dense, [n, k])], { transA: false, transB: true });
  const kernelSparse = () =>
    backend.kernels.SparseMatMul24(info(y, [1, n]), [info(x, [1, k]), info(values, [n, k / 2]), info(indices, [indices.length], "u8")], { n, k });
  const hostDense = () => backend.gemm(x, dense, y, { m: 1, n, k, transA: false, transB: true });
  const hostSparse = () => backend.sparseMatMul24(x, { values, indices, rows: n, cols: k });
  // Interleaved rounds: dense and 2:4 see the same load.
  const runs = [kernelDense, kernelSparse, hostDense, hostSparse, ...(peerDense ? [peerDense] : [])];
  const [kd, ks, hd, hs, peer] = await measureInterleaved(runs, { warmup: 3, minSamples: 15, maxSamples: 41, minTimeMs: 200, rewarmBelowMs: REWARM_MS });
  return { kernelDense: kd, kernelSparse: ks, hostDense: hd, hostSparse: hs, ...(peer ? { torchDense: peer } : {}) };
}

/** The largest square power-of-two weight whose dense f32 form fits in half the last-level cache (at least 256²). */
export function inCacheSize(llcBytes) {
  let n = 256;
  while (4 * (2 * n) * (2 * n) <= llcBytes / 2) n *= 2;
  return n;
}

/**
 * Calls per sample of the in-cache GEMV: back to back, so the weight is in cache for all but the first. One
 * call after one re-warm was not enough: between samples the other implementations (PyTorch's process too)
 * pushed part of the dense weight out of a shared L3, and the dense rows ran at half their in-cache speed.
 */
export const IN_CACHE_BURST = 8;

/**
 * The GEMV with its weight in the last-level cache (dense n×n ≤ half of it, so the 2:4 form fits too):
 * where the dense kernel is not memory-bound, the 2:4 kernel's loads per kept value decide (issue 19: on a
 * 480 MiB L3 the 4096² weight of the main rows stays in cache). Kernel table only, interleaved; each sample
 * is IN_CACHE_BURST calls in a row (`peerDense` must do the same), reported per call.
 */
export async function benchGemvInCache(backend, n, peerDense) {
  const dense = random24Weight(n, n);
  const { values, indices } = compress24(dense, n, n);
  const x = randomArray(n, 4);
  const y = new Float32Array(n);
  const kernelDense = () => backend.kernels.MatMul(info(y, [1, n]), [info(x, [1, n]), info(dense, [n, n])], { transA: false, transB: true });
  const kernelSparse = () => backend.kernels.SparseMatMul24(info(y, [1, n]), [info(x, [1, n]), info(values, [n, n / 2]), info(indices, [indices.length], "u8")], { n, k: n });
  const burst = (call) => () => {
    for (let i = 0; i < IN_CACHE_BURST; i++) call();
  };
  const runs = [burst(kernelDense), burst(kernelSparse), ...(peerDense ? [peerDense] : [])];
  const perCall = ({ medianMs, minMs, samples }) => ({ medianMs: medianMs / IN_CACHE_BURST, minMs: minMs / IN_CACHE_BURST, samples, burst: IN_CACHE_BURST });
  const [kd, ks, peer] = await measureInterleaved(runs, { warmup: 3, minSamples: 15, maxSamples: 41, minTimeMs: 100, rewarmBelowMs: REWARM_MS });
  return { n, kernelDense: perCall(kd), kernelSparse: perCall(ks), ...(peer ? { torchDense: perCall(peer) } : {}) };
}
