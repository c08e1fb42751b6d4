// Timed rows of the GPU check for issue 14's later kernels: split-K GEMMs against the same product unsplit,
// and the multi-workgroup scatter-add of an embedding gradient. Data is made and uploaded before any timer.
import { scatterAdd, tensor, type Tensor } from "@adaptive-sparse/core";
import { byOp, type WebGpuBackend } from "../src/index.js";
import { matmulTuning } from "../src/kernels/matmul.js";
import { relativeError } from "../../../tooling/conformance/src/compare.js";
import { seededValues } from "../../../tooling/conformance/src/device-check.js";

const DISPATCHES = 20;
const info = (t: Tensor) => ({ handle: t.storage.handle, shape: t.shape, dtype: t.dtype });
const median = (runs: number[]) => [...runs].sort((x, y) => x - y)[Math.floor(runs.length / 2)]!;

/** Milliseconds per run of `record` (DISPATCHES back to back, 3 samples after a warm-up): GPU timestamps of `op` where offered, else wall time. */
async function timeRuns(gpu: WebGpuBackend, op: string, record: () => void): Promise<{ ms: number; source: string }> {
  const samples: number[] = [];
  for (let sample = 0; sample < 4; sample++) {
    await gpu.flush();
    gpu.profiler.enabled = gpu.profiler.timestamps;
    gpu.profiler.reset();
    const start = performance.now();
    for (let d = 0; d < DISPATCHES; d++) record();
    await gpu.flush();
    const wall = (performance.now() - start) / DISPATCHES;
    gpu.profiler.enabled = false;
    const gpuMs = gpu.profiler.timestamps ? byOp(await gpu.profiler.report()).rows.find((r) => r.label === op)?.gpuMs : null;
    if (sample > 0) samples.push(gpuMs != null ? gpuMs / DISPATCHES : wall);
  }
  return { ms: median(samples), source: gpu.profiler.timestamps ? "GPU timestamps" : "wall time" };
}

/**
 * C = op(A)·B for one skinny shape, with split-K as the rule picks it and forced off (`matmulTuning.splitK = 1`);
 * three rows of C checked against double-precision dot products. Returns table rows and whether both agree.
 */
export async function timeSplitK(gpu: WebGpuBackend, name: string, m: number, n: number, k: number, transA: boolean): Promise<{ rows: [string, string][]; ok: boolean }> {
  const [ha, hb] = [seededValues(m * k, 21), seededValues(k * n, 22)];
  const a = tensor(ha, { shape: transA ? [k, m] : [m, k], backend: gpu });
  const b = tensor(hb, { shape: [k, n], backend: gpu });
  const c = tensor(new Float32Array(m * n), { shape: [m, n], backend: gpu });
  const rows: [string, string][] = [];
  let ok = true;
  try {
    for (const split of [undefined, 1]) {
      if (split) matmulTuning.splitK = split;
      else delete matmulTuning.splitK;
      const { ms, source } = await timeRuns(gpu, "MatMul", () => gpu.kernels.MatMul(info(c), [info(a), info(b)], { transA, transB: false }));
      const got = await c.data();
      let error = 0;
      for (const r of [0, m >> 1, m - 1]) {
        const want = new Float64Array(n);
        for (let kk = 0; kk < k; kk++) {
          const av = ha[transA ? kk * m + r : r * k + kk];
          for (let j = 0; j < n; j++) want[j] += av * hb[kk * n + j];
        }
        error = Math.max(error, relativeError(got.subarray(r * n, r * n + n), Array.from(want)));
      }
      ok = ok && error <= 1e-4;
      const label = `${name} ${m}×${n}×${k}${transA ? " Aᵀ" : ""}, ${split ? "split-K off" : "split-K by rule"}`;
      const tflops = (2 * m * n * k) / ms / 1e9;
      console.log(`${error <= 1e-4 ? "ok  " : "FAIL"} GEMM ${label}: ${ms.toFixed(3)} ms (${source}) = ${tflops.toPrecision(3)} TFLOP/s; rows vs host: relative error ${error.toExponential(2)}`);
      rows.push([`GEMM ${label}`, `${tflops.toPrecision(3)} TFLOP/s (${ms.toFixed(3)} ms, ${source})${error <= 1e-4 ? "" : `, WRONG: error ${error.toExponential(2)}`}`]);
    }
  } finally {
    delete matmulTuning.splitK;
    for (const t of [a, b, c]) t.dispose();
  }
  return { rows, ok };
}

/** The embedding gradient's ScatterAdd (tokens × width into `vocab` rows, a quarter of the tokens one hot token). */
export async function timeScatterAdd(gpu: WebGpuBackend, tokens: number, width: number, vocab: number): Promise<[string, string]> {
  const ids = Int32Array.from(seededValues(tokens, 23), (v, i) => (i % 4 === 0 ? 13 : Math.floor(((v + 1) / 2) * vocab)));
  const src = tensor(seededValues(tokens * width, 24), { shape: [tokens, width], backend: gpu });
  const idx = tensor(ids, { shape: [tokens], dtype: "i32", backend: gpu });
  const out = scatterAdd(src, idx, vocab);
  try {
    const { ms, source } = await timeRuns(gpu, "ScatterAdd", () => gpu.kernels.ScatterAdd(info(out), [info(src), info(idx)], { size: vocab }));
    const gbps = ((tokens * width + vocab * width) * 4) / ms / 1e6;
    const label = `scatter-add [${tokens}, ${width}] into ${vocab} rows (25% one token)`;
    console.log(`ok   ${label}: ${ms.toFixed(3)} ms (${source}), ${gbps.toPrecision(3)} GB/s of source + output`);
    return [label, `${ms.toFixed(3)} ms (${source}), ${gbps.toPrecision(3)} GB/s`];
  } finally {
    for (const t of [src, idx, out]) t.dispose();
  }
}
