// Bundled by gpu-check.mjs: the check to run on a machine with a real GPU (e.g. the H200 device machine).
import {
  crossEntropy, gather, groupTopK, layerNorm, matmul, narrow, scatterAdd, setDefaultBackend, softmax, sum, tensor,
  tidy, type Backend, type Tensor,
} from "@adaptive-sparse/core";
import { byOp, createWebGpuBackend, formatProfile, rowsOf, type WebGpuBackend } from "../src/index.js";
import { relativeError } from "../../../tooling/conformance/src/compare.js";
import { agreeWithCpu, seededValues } from "../../../tooling/conformance/src/device-check.js";
import { measureGpt } from "../../../tooling/bench/src/gpt-measure.mjs";
import { GPU_GPT_SETUP } from "../../../tooling/bench/src/gpt-setups.mjs";
import { runFixtures } from "./fixture-runner.js";
import { matmulTuning } from "../src/kernels/matmul.js";
import { timeScatterAdd, timeSplitK } from "./gpu-check-kernels.js";

const allowSoftware = process.argv.includes("--allow-software");
const small = process.argv.includes("--small"); // quick sizes, for trying the script on a CPU driver
// --quick: for a short device lease: no GPT-2-sized op comparison, no GEMM diagnostics, GEMM at 2048³–8192³ only, 3 timed steps.
const quick = process.argv.includes("--quick");

/** Host data cache: the cpu run of `agree` generates each input once, so the GPU's timer never includes it. */
const generated = new Map<string, Float32Array>();
function values(count: number, seed: number, scale = 1): Float32Array {
  const key = `${count}:${seed}:${scale}`;
  const cached = generated.get(key);
  if (cached) return cached;
  const out = seededValues(count, seed, scale);
  generated.set(key, out);
  return out;
}
const ints = (count: number, bound: number, seed: number) => Int32Array.from(values(count, seed), (v) => Math.floor(((v + 1) / 2) * bound));

const agree = (name: string, gpu: Backend, build: (backend: Backend) => Tensor, tolerance = 1e-4) => agreeWithCpu(name, gpu, build, tolerance);

const started = performance.now();
/** A progress line with the seconds since the check started (the launcher kills it at its timeout). */
const elapsed = (what: string) => console.log(`--- ${what} done at ${((performance.now() - started) / 1000).toFixed(1)} s`);

const median = (runs: number[]) => [...runs].sort((x, y) => x - y)[Math.floor(runs.length / 2)]!;

/** The summary table printed at the end: one row per check or measurement. */
const table: [string, string][] = [];

/** Runs a section; an exception (out of memory, buffer over a device limit, lost device) fails it without hiding the rest. */
async function section(name: string, body: () => Promise<boolean>): Promise<boolean> {
  try {
    return await body();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.log(`FAIL ${name}: ${message}`);
    table.push([name, `failed: ${message.split("\n")[0]}`]);
    return false;
  }
}

/** Max-norm relative error of a few rows of C = A·B (n×n, row-major) against double-precision dot products. */
async function checkRows(c: Tensor, a: Float32Array, b: Float32Array, n: number): Promise<number> {
  let worst = 0;
  for (const r of [0, (n >> 1) + 1, n - 1]) {
    const row = narrow(c, 0, r, 1);
    const got = await row.data();
    row.dispose();
    const want = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const av = a[r * n + k];
      for (let j = 0; j < n; j++) want[j] += av * b[k * n + j];
    }
    worst = Math.max(worst, relativeError(got, Array.from(want)));
  }
  return worst;
}

/**
 * GEMM throughput: samples of DISPATCHES back-to-back products into one output (data made and uploaded before
 * any timer), timed by timestamp queries when the adapter has them, and by wall time to onSubmittedWorkDone;
 * the first sample warms up. The result is checked against the host.
 */
async function timeMatmul(gpu: WebGpuBackend, n: number, note = "", tolerance = 1e-4): Promise<boolean> {
  const DISPATCHES = 20;
  const [ha, hb] = [values(n * n, 1), values(n * n, 2)];
  generated.clear(); // the matrices live as long as this function needs them
  const a = tensor(ha, { shape: [n, n], backend: gpu });
  const b = tensor(hb, { shape: [n, n], backend: gpu });
  const c = matmul(a, b);
  const info = (t: Tensor) => ({ handle: t.storage.handle, shape: t.shape, dtype: t.dtype });
  const wall: number[] = [];
  const stamped: number[] = [];
  try {
    await gpu.flush();
    for (let sample = 0; sample < 4; sample++) {
      for (const profiled of gpu.profiler.timestamps ? [false, true] : [false]) {
        gpu.profiler.enabled = profiled;
        gpu.profiler.reset();
        const start = performance.now();
        for (let d = 0; d < DISPATCHES; d++) gpu.kernels.MatMul(info(c), [info(a), info(b)], { transA: false, transB: false });
        await gpu.flush();
        const ms = (performance.now() - start) / DISPATCHES;
        if (sample === 0) continue;
        if (!profiled) wall.push(ms);
        else stamped.push(byOp(await gpu.profiler.report()).rows.find((r) => r.label === "MatMul")!.gpuMs! / DISPATCHES);
      }
    }
    gpu.profiler.enabled = false;
    const error = await checkRows(c, ha, hb, n);
    const ok = error <= tolerance;
    const tflops = (ms: number) => (2 * n ** 3) / ms / 1e9;
    const best = stamped.length ? median(stamped) : median(wall);
    const source = stamped.length ? "GPU timestamps" : "wall time";
    console.log(
      `${ok ? "ok  " : "FAIL"} matmul ${n}×${n}×${n}${note}: ${best.toFixed(3)} ms per product (${source}, median of ${wall.length} samples × ${DISPATCHES}) = ${tflops(best).toPrecision(3)} TFLOP/s; ` +
        `wall ${median(wall).toFixed(3)} ms = ${tflops(median(wall)).toPrecision(3)} TFLOP/s; rows vs host: relative error ${error.toExponential(2)}`,
    );
    table.push([`GEMM ${n}³ f32${note}`, `${tflops(best).toPrecision(3)} TFLOP/s (${best.toFixed(3)} ms, ${source}; wall ${tflops(median(wall)).toPrecision(3)})${ok ? "" : `, WRONG: error ${error.toExponential(2)}`}`]);
    return ok;
  } finally {
    gpu.profiler.enabled = false;
    for (const t of [a, b, c]) t.dispose();
  }
}

/** `npm run bench`'s GPU training-step row at GPT-2 124M's shapes (the tiny GPT with --small); warm-up step 2 is profiled. */
async function timeGptStep(gpu: WebGpuBackend): Promise<boolean> {
  const config = small
    ? GPU_GPT_SETUP.config
    : { vocabSize: 50257, blockSize: 1024, nLayer: 12, nHead: 12, nEmbd: 768 };
  const [batch, seq] = small ? [4, 32] : [4, 1024];
  let profile = "";
  const aroundStep = async (i: number, run: () => Promise<void>) => {
    if (i !== 1) return run();
    await gpu.flush();
    const before = gpu.stats();
    gpu.profiler.reset();
    gpu.profiler.enabled = true;
    const start = performance.now();
    await run();
    await gpu.flush();
    const wallMs = performance.now() - start;
    gpu.profiler.enabled = false;
    const after = gpu.stats();
    const report = await gpu.profiler.report();
    const counters = {
      hostToDeviceMB: (after.hostToDeviceBytes - before.hostToDeviceBytes) / 1e6,
      deviceToHostMB: (after.deviceToHostBytes - before.deviceToHostBytes) / 1e6,
      poolHits: after.poolHits - before.poolHits,
      buffersCreated: after.buffersCreated - before.buffersCreated,
      mapWaitMs: +(after.mapWaitMs - before.mapWaitMs).toFixed(1),
      submits: after.submits - before.submits,
    };
    const gemms = rowsOf(report, "MatMul");
    const gemmMs = gemms.rows.reduce((t, r) => t + (r.gpuMs ?? 0), 0);
    profile =
      `profiled training step (warm-up step 2, ${wallMs.toFixed(0)} ms with a pass per dispatch): ${JSON.stringify(counters)}\n` +
      `by op (top 15):\n${formatProfile(byOp(report), 15)}\n` +
      `GEMM by shape (top 12 of ${gemms.rows.length}, ${gemmMs.toFixed(1)} ms in all):\n${formatProfile({ ...gemms, gpuMs: gemmMs }, 12)}`;
  };
  const setup = { config, batch, seq, forwardBatch: 1, warmup: 2, steps: quick ? 3 : 5, forwardSteps: quick ? 2 : 3, readLogits: false, aroundStep, optimizer: { lr: 6e-4, betas: [0.9, 0.95], weightDecay: 0.1 } };
  const { stepMs, forwardMs, losses } = await measureGpt(gpu, setup);
  const ms = median(stepMs);
  const finite = losses.every(Number.isFinite);
  const shape = `V${config.vocabSize} d${config.nEmbd} L${config.nLayer} H${config.nHead}, ${batch}×${seq}`;
  console.log(`${finite ? "ok  " : "FAIL"} GPT step (${shape}, AdamW): ${ms.toFixed(0)} ms median of ${stepMs.length}, losses ${losses.map((l) => l.toFixed(3)).join(" ")}`);
  console.log(profile);
  const { peakLiveBytes, peakHeldBytes } = gpu.stats();
  const [peak, held] = [peakLiveBytes / 2 ** 20, peakHeldBytes / 2 ** 20];
  table.push([`GPT training step, ${shape}`, `${((batch * seq) / (ms / 1000)).toFixed(0)} tokens/s (${ms.toFixed(0)} ms)${finite ? "" : ", NON-FINITE LOSS"}`]);
  table.push([`GPT forward, 1×${seq} (logits stay on the GPU)`, `${(seq / (median(forwardMs) / 1000)).toFixed(0)} tokens/s`]);
  table.push(["peak GPU memory in tensor buffers", `${peak.toFixed(0)} MiB live, ${held.toFixed(0)} MiB with the pool (PyTorch f32: 8.27 GiB = 8468 MiB)`]);
  return finite;
}

const gpu = await createWebGpuBackend({ powerPreference: "high-performance", profile: true });
gpu.profiler.enabled = false; // on only where a section profiles
console.log(`features: ${[...gpu.device.features].join(", ")}; timestamps: ${gpu.profiler.timestamps}`);
const limits = gpu.device.limits;
console.log(`adapter: ${gpu.adapter}; maxStorageBufferBindingSize ${limits.maxStorageBufferBindingSize}, maxBufferSize ${limits.maxBufferSize}`);
if (/llvmpipe|swiftshader|software/i.test(gpu.adapter) && !allowSoftware) {
  console.log("FAIL: this is a software adapter. Is the GPU's Vulkan driver installed (ls /usr/share/vulkan/icd.d/ for nvidia_icd.json)? Pass --allow-software to run anyway.");
  process.exit(1);
}
table.push(["adapter", gpu.adapter]);
setDefaultBackend(gpu);
const fixtures = await runFixtures(gpu);
const failed = Object.entries(fixtures.failures);
console.log(`${failed.length ? "FAIL" : "ok  "} conformance fixtures: ${fixtures.passed} passed, ${failed.length} failed`);
for (const [name, why] of failed) console.log(`     ${name}: ${why}`);
table.push(["conformance fixtures", `${fixtures.passed} passed, ${failed.length} failed`]);
elapsed("conformance");

const [T, C, V] = small ? [64, 96, 500] : [1024, 768, 50257];
const results = quick ? [] : [
  await agree(`linear [${T}, ${C}]·[${4 * C}, ${C}]ᵀ`, gpu, (b) => matmul(tensor(values(T * C, 3), { shape: [T, C], backend: b }), tensor(values(4 * C * C, 4), { shape: [4 * C, C], backend: b }), { transB: true })),
  await agree(`attention scores [12, ${T / 4}, 64]·[12, ${T / 4}, 64]ᵀ`, gpu, (b) => matmul(tensor(values(3 * T * 64, 5), { shape: [12, T / 4, 64], backend: b }), tensor(values(3 * T * 64, 6), { shape: [12, T / 4, 64], backend: b }), { transB: true })),
  await agree(`softmax [${T / 4}, ${V}]`, gpu, (b) => softmax(tensor(values((T / 4) * V, 7, 8), { shape: [T / 4, V], backend: b }), -1)),
  await agree(`layer norm [${4 * T}, ${C}]`, gpu, (b) => layerNorm(tensor(values(4 * T * C, 8, 3), { shape: [4 * T, C], backend: b }), null, null)),
  await agree(`cross entropy + backward [${T / 4}, ${V}]`, gpu, (b) =>
    tidy(() => {
      const logits = tensor(values((T / 4) * V, 9, 4), { shape: [T / 4, V], backend: b, requiresGrad: true });
      crossEntropy(logits, tensor(ints(T / 4, V, 10), { dtype: "i32", backend: b })).backward();
      return logits.grad!;
    })),
  await agree(`embedding gradient: scatter-add [${4 * T}, ${C}] into ${V} rows`, gpu, (b) => scatterAdd(tensor(values(4 * T * C, 11), { shape: [4 * T, C], backend: b }), tensor(ints(4 * T, V, 12), { dtype: "i32", backend: b }), V), 0),
  await agree(`gather [${4 * T}] rows of [${V}, ${C}]`, gpu, (b) => gather(tensor(values(V * C, 13), { shape: [V, C], backend: b }), tensor(ints(4 * T, V, 14), { dtype: "i32", backend: b })), 0),
  await agree(`2:4 group top-k [${4 * C}, ${C}]`, gpu, (b) => groupTopK(tensor(values(4 * C * C, 15), { shape: [4 * C, C], backend: b }), 2, 4)),
  await agree(`sum over [${8 * T}, ${4 * C}]`, gpu, (b) => sum(tensor(values(32 * T * C, 16), { shape: [8 * T, 4 * C], backend: b }), 1)),
];
table.push(["GPT-2-sized ops vs cpu", quick ? "skipped (--quick)" : `${results.filter(Boolean).length} of ${results.length} agree`]);
generated.clear();
elapsed("GPT-2-sized ops");
const timings: boolean[] = [];
for (const n of small ? [128, 256] : quick ? [2048, 4096, 8192] : [1024, 2048, 4096, 8192]) timings.push(await section(`GEMM ${n}³ f32`, () => timeMatmul(gpu, n)));
elapsed("GEMM rows");
// Issue 14's split-K (the LM head's input gradient g·W; a Linear's weight gradient gᵀ·x) and the embedding gradient.
for (const [name, m, n, k, transA] of (small ? [["LM-head dx", 128, 64, 4096, false], ["Linear dW", 64, 64, 2048, true]] : [["LM-head dx", 4096, 768, 50257, false], ["Linear dW", 768, 768, 4096, true]]) as [string, number, number, number, boolean][]) {
  timings.push(await section(`GEMM ${name} split-K`, async () => {
    const { rows, ok } = await timeSplitK(gpu, name, m, n, k, transA);
    table.push(...rows);
    return ok;
  }));
}
timings.push(await section("scatter-add timing", async () => (table.push(await timeScatterAdd(gpu, 4 * T, C, V)), true)));
table.push(["row reductions (softmax, layer norm, cross-entropy, attention rows)", gpu.device.features.has("subgroups") ? "subgroup operations" : "shared memory (no subgroups feature)"]);
// precision "f16" (f16 operands in shared memory, f32 accumulation) where the adapter offers shader-f16; f16 rounding: 2e-3.
if (!quick) {
  timings.push(
    await section("GEMM f16 operands", async () => {
      const half = await createWebGpuBackend({ powerPreference: "high-performance", profile: true, precision: "f16" }).catch((error: Error) => error);
      if (half instanceof Error) return (table.push(["GEMM f16 operands", `not run: ${half.message.split(". ")[0]}`]), true);
      half.profiler.enabled = false;
      try {
        return await timeMatmul(half, small ? 256 : 4096, ", f16 operands", 2e-3);
      } finally {
        half.dispose();
      }
    }),
  );
}
elapsed("split-K and scatter-add");
// The headline step before the diagnostics below, so a timeout cuts those first.
timings.push(await section("GPT training step", () => timeGptStep(gpu)));
elapsed("GPT step");
// Both tile widths on one shape, to tune the choice (chosen per shape otherwise).
for (const tileN of quick ? [] : ([64, 128] as const)) {
  matmulTuning.tileN = tileN;
  timings.push(await section(`GEMM tile 128×${tileN}`, () => timeMatmul(gpu, small ? 128 : 4096, `, tile 128×${tileN} forced`)));
}
delete matmulTuning.tileN;
// The same products on a device without Dawn's robustness transform (no index clamps in the inner loop).
timings.push(
  await section("GEMM without robustness", async () => {
    const fast = await createWebGpuBackend({ powerPreference: "high-performance", profile: true, robustness: false });
    fast.profiler.enabled = false;
    try {
      let ok = true;
      for (const n of small ? [128] : quick ? [4096] : [2048, 4096, 8192]) ok = (await timeMatmul(fast, n, ", robustness off")) && ok;
      return ok;
    } finally {
      fast.dispose();
    }
  }),
);
elapsed("GEMM diagnostics");
console.log(`stats: ${JSON.stringify(gpu.stats())}`);
const ok = failed.length === 0 && results.every(Boolean) && timings.every(Boolean);
console.log(`\n| check | result |\n| --- | --- |\n${table.map(([k, v]) => `| ${k} | ${v} |`).join("\n")}\n`);
console.log(ok ? "gpu check: all passed" : "gpu check: FAILED");
gpu.dispose();
process.exit(ok ? 0 : 1);
