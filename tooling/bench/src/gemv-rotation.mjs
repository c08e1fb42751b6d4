// Decode GEMV with the weights coming from memory: y = x · Wᵀ over a rotation of distinct weights whose
// total exceeds the last-level cache, as the linears of a real model's decode step do (GPT-2 124M's
// sparse layers alone are 340 MB in f32). Dense against 2:4 on our wasm pool, our BLAS path's dense when a
// BLAS loads, and PyTorch's dense mv over its own rotation, in the same rounds.
import { createWasmBackend } from "@adaptive-sparse/backend-wasm";
import { compress24 } from "@adaptive-sparse/io";
import { random24Weight } from "./gemv.mjs";
import { measureInterleaved, randomArray, REWARM_MS } from "./measure.mjs";

const MiB = 1024 ** 2;
/** The LLC assumed when sysfs does not say (the size of the project's AMD machine). */
export const ASSUMED_LLC_BYTES = 32 * MiB;
/** Wasm memory the rotation's resident dense and 2:4 weights may take (wasm32 addresses 4 GiB; the option allows 2). */
export const ROTATION_BUDGET_BYTES = 1792 * MiB;

/**
 * How many distinct n×k weights to rotate through: enough that the 2:4 rotation (the smaller) holds twice
 * the last-level cache, at least 2, and no more than fit `budgetBytes` of wasm memory with their dense twins.
 * @returns { count, denseBytes, sparseBytes (totals), llcBytes, assumedLlc, capped }
 */
export function rotationPlan(llcBytes, n, k, budgetBytes = ROTATION_BUDGET_BYTES) {
  const llc = llcBytes ?? ASSUMED_LLC_BYTES;
  const dense = n * k * 4;
  const sparse = (n * k) / 2 * 4 + Math.ceil((n * k) / 8);
  const wanted = Math.max(2, Math.ceil((2 * llc) / sparse));
  const fits = Math.max(1, Math.floor(budgetBytes / (dense + sparse)));
  const count = Math.min(wanted, fits);
  return { count, denseBytes: count * dense, sparseBytes: count * sparse, llcBytes: llc, assumedLlc: llcBytes == null, capped: count < wanted };
}

const info = (handle, shape, dtype = "f32") => ({ handle, shape, dtype });

/**
 * Times the rotation on fresh backends (the pool on every core, with a resident budget that holds the whole
 * rotation, so every call reads wasm memory that is not in cache; and the BLAS path when one loads).
 * `torch` is startTorch's peer or null. Returns { plan, n, k, rows: [{ impl, medianMs, ... }], skipped }.
 */
export async function benchGemvRotation({ n, k, llcBytes, threads, torch }) {
  const plan = rotationPlan(llcBytes, n, k);
  const first = random24Weight(n, k);
  const { values, indices } = compress24(first, n, k);
  // Distinct memory per weight (the values do not change the time).
  const dense = [first, ...Array.from({ length: plan.count - 1 }, () => first.slice())];
  const sparse = dense.map((_, i) => (i === 0 ? { values, indices } : { values: values.slice(), indices: indices.slice() }));
  const x = randomArray(k, 4);
  const y = new Float32Array(n);
  const pool = await createWasmBackend({ gemm: "wasm", threads, residentBytes: Math.min(2 ** 31, plan.denseBytes + plan.sparseBytes + 64 * MiB) });
  const skipped = [];
  let blas = null;
  try {
    blas = await createWasmBackend({ gemm: "blas", threads, residentBytes: 0 });
  } catch (error) {
    skipped.push(`ours BLAS (${error instanceof Error ? error.message : String(error)})`);
  }
  const rotating = (call) => {
    let turn = 0;
    return () => {
      call(turn);
      turn = (turn + 1) % plan.count;
    };
  };
  const denseOn = (backend) => rotating((i) => backend.kernels.MatMul(info(y, [1, n]), [info(x, [1, k]), info(dense[i], [n, k])], { transA: false, transB: true }));
  const sparseOn = (backend) =>
    rotating((i) => backend.kernels.SparseMatMul24(info(y, [1, n]), [info(x, [1, k]), info(sparse[i].values, [n, k / 2]), info(sparse[i].indices, [sparse[i].indices.length], "u8")], { n, k }));
  const simd = pool.relaxedSimd ? "wasm relaxed SIMD" : "wasm";
  const runs = [
    { impl: `ours ${simd} (pool, ${pool.threads} threads), dense`, run: denseOn(pool) },
    { impl: `ours ${simd} (pool, ${pool.threads} threads), 2:4`, run: sparseOn(pool) },
  ];
  if (blas) runs.push({ impl: `ours BLAS (${blas.threads} threads), dense`, run: denseOn(blas) });
  const torchJob = torch ? await torch.prepare({ kind: "gemv-rotation", n, k, count: plan.count }) : null;
  if (torchJob) runs.push({ impl: `PyTorch CPU (${torch.threads} threads), dense mv`, run: torchJob.run });
  try {
    // One untimed pass over the rotation first, so every weight is resident before timing.
    for (let i = 0; i < plan.count; i++) for (const { run } of runs.slice(0, 2)) run();
    const timings = await measureInterleaved(runs.map((r) => r.run), { warmup: 2, minSamples: 15, maxSamples: 41, minTimeMs: 200, rewarmBelowMs: REWARM_MS });
    return { plan, n, k, residentBytes: pool.residentBytes(), rows: runs.map((r, i) => ({ impl: r.impl, ...timings[i] })), skipped };
  } finally {
    await torchJob?.dispose();
    pool.dispose();
    blas?.dispose();
  }
}
