// The GPT rows and the GPU rows of `npm run bench`. Every implementation runs in its own child process
// (children.mjs), one after the other, so its peak RSS is its own and the cores are not shared.
import { runBackendChild, runTorchScript } from "./children.mjs";
import { combineRounds, summarizeGpt } from "./gpt-report.mjs";

export { GPT_SETUP, GPT_QUICK_SETUP, GPU_GPT_SETUP, GPU_GPT_QUICK_SETUP } from "./gpt-setups.mjs";

export const GPU_SHAPES = [256, 512, 1024].map((n) => ({ m: n, k: n, n }));
export const GPU_QUICK_SHAPES = GPU_SHAPES.slice(0, 1);
/** 1024³ takes 3-6 s per product on lavapipe: few samples. */
export const GPU_GEMM_SAMPLES = { warmup: 2, minSamples: 3, maxSamples: 10, minTimeMs: 300 };
export const GPU_GEMM_QUICK_SAMPLES = { warmup: 1, minSamples: 3, maxSamples: 3, minTimeMs: 0 };

/** Our CPU paths: the wasm backend with each GEMM path. */
export const cpuBackends = (threads) => [
  { kind: "wasm", gemm: "blas", threads },
  { kind: "wasm", gemm: "wasm", threads },
];
/** The GPU backends (and gpu.js's WebAssembly mode, its CPU path in Node). */
export const gpuBackends = () => [{ kind: "webgpu" }, { kind: "gpujs", mode: "webasm" }, { kind: "gpujs", mode: "webgpu" }];

/** "CPU-emulated (lavapipe)" for Mesa's CPU Vulkan driver (adapter "llvmpipe"), likewise SwiftShader; else the adapter. */
export function deviceLabel(adapter) {
  if (/llvmpipe|lavapipe/i.test(adapter)) return "CPU-emulated (lavapipe)";
  if (/swiftshader/i.test(adapter)) return "CPU-emulated (SwiftShader)";
  return adapter;
}

/** The row name of one of our backends, from what its child reported. */
export function implName(info) {
  if (info.kind === "wasm") {
    return info.gemmPath === "blas" ? `ours, BLAS GEMM (${info.threads} threads)` : `ours, wasm GEMM (${info.relaxedSimd ? "relaxed SIMD, " : ""}${info.threads} threads)`;
  }
  if (info.kind === "webgpu") return `ours webgpu, ${deviceLabel(info.adapter)}`;
  if (info.kind === "cpu") return "ours, core cpu backend";
  return `ours gpu.js ${info.mode}${info.adapter ? `, ${deviceLabel(info.adapter)}` : ""}`;
}

const specName = (spec) => (spec.kind === "gpujs" ? `ours gpu.js ${spec.mode}` : spec.kind === "wasm" ? `ours, ${spec.gemm} GEMM` : `ours ${spec.kind}`);

function skip(skipped, impl, reason) {
  skipped.push({ impl, reason });
  console.log(`skipping ${impl}: ${reason}`);
}

/**
 * Training step and forward of the GPT in `setup` on each of `backends`, then in PyTorch, in `rounds`
 * rounds (A B C A B C: a burst of load on the shared machine then hits one round, not one implementation);
 * each row keeps its best round (combineRounds).
 * @returns { setup, rounds, rows: [{ impl, role, backend, ...summary, stepMs, forwardMs, losses, rounds }] };
 *   failures go to `skipped`.
 */
export async function benchGpt(setup, backends, threads, skipped, { torch = true, rounds = 1 } = {}) {
  const jobs = backends.map((spec) => ({
    name: `${specName(spec)} GPT`,
    run: () => runBackendChild({ backend: spec, gpt: setup }, { timeoutMs: 600_000 }),
    row: ({ backend, gpt, peakMiB }) => ({ impl: implName(backend), role: "ours", backend, ...summarizeGpt(setup, { ...gpt, peakMiB }), ...gpt }),
  }));
  if (torch) {
    jobs.push({
      name: "PyTorch CPU GPT",
      run: () => runTorchScript("gpt_torch.py", [JSON.stringify(setup), String(threads)], threads, { timeoutMs: 600_000 }),
      row: ({ torch: version, threads: used, ...measured }) => ({ impl: `PyTorch ${version} CPU (${used} threads)`, role: "reference", ...summarizeGpt(setup, measured), ...measured }),
    });
  }
  const results = jobs.map(() => []);
  const failed = new Set();
  for (let round = 0; round < rounds; round++) {
    for (const [i, job] of jobs.entries()) {
      if (failed.has(i)) continue;
      const result = await job.run();
      if (!result.ok) {
        failed.add(i);
        skip(skipped, round > 0 ? `${job.name} (round ${round + 1}; the earlier rounds are kept)` : job.name, result.reason);
        continue;
      }
      const row = job.row(result.value);
      results[i].push(row);
      console.log(`  GPT ${row.impl}${rounds > 1 ? ` (round ${round + 1})` : ""}: ${row.tokensPerS.toFixed(0)} tokens/s, forward ${row.forwardTokensPerS.toFixed(0)} tokens/s, ${row.peakMiB.toFixed(0)} MiB`);
    }
  }
  return { setup, rounds, rows: results.filter((list) => list.length).map(combineRounds) };
}

/** GEMM through the tensor API on each of `backends` (C read back each time). */
export async function benchTensorGemm(shapes, samples, backends, skipped) {
  const rows = [];
  for (const spec of backends) {
    const result = await runBackendChild({ backend: spec, gemm: { shapes, samples } }, { timeoutMs: 600_000 });
    if (!result.ok) {
      skip(skipped, `${specName(spec)} GEMM`, result.reason);
      continue;
    }
    rows.push({ impl: implName(result.value.backend), backend: result.value.backend, gemm: result.value.gemm });
    console.log(`  GEMM ${rows.at(-1).impl}: ${rows.at(-1).gemm.map((g) => `${g.m}³ ${g.gflops.toFixed(2)} GFLOP/s`).join(", ")}`);
  }
  return { shapes, samples, rows };
}
