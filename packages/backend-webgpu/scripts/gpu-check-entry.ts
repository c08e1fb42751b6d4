// Bundled by gpu-check.mjs: the check to run on a machine with a real GPU (e.g. the H200 device machine).
import {
  createCpuBackend, crossEntropy, gather, groupTopK, layerNorm, matmul, scatterAdd, setDefaultBackend, softmax, sum, tensor,
  tidy, type Backend, type Tensor,
} from "@adaptive-sparse/core";
import { createWebGpuBackend, type WebGpuBackend } from "../src/index.js";
import { relativeError } from "../../../tooling/conformance/src/compare.js";
import { measureGpt } from "../../../tooling/bench/src/gpt-measure.mjs";
import { GPU_GPT_SETUP } from "../../../tooling/bench/src/gpt-setups.mjs";
import { runFixtures } from "./fixture-runner.js";

const allowSoftware = process.argv.includes("--allow-software");
const small = process.argv.includes("--small"); // quick sizes, for trying the script on a CPU driver

function values(count: number, seed: number, scale = 1): Float32Array {
  let state = seed;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 31 - 1) * scale;
  });
}
const ints = (count: number, bound: number, seed: number) => Int32Array.from(values(count, seed), (v) => Math.floor(((v + 1) / 2) * bound));

/** Builds the same computation on both backends from the same host data and compares the results. */
async function agree(name: string, gpu: Backend, build: (backend: Backend) => Tensor, tolerance = 1e-4): Promise<boolean> {
  const cpu = createCpuBackend();
  const expected = tidy(() => build(cpu));
  const want = await expected.data();
  const start = performance.now();
  const actual = tidy(() => build(gpu));
  const got = await actual.data();
  const ms = performance.now() - start;
  const error = actual.dtype === "f32" ? relativeError(got, Array.from(want)) : got.every((v, i) => v === want[i]) ? 0 : Infinity;
  const ok = error <= tolerance;
  console.log(`${ok ? "ok  " : "FAIL"} ${name}: relative error ${error.toExponential(2)} (${ms.toFixed(1)} ms on the GPU, first run)`);
  expected.dispose();
  actual.dispose();
  return ok;
}

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

async function timeMatmul(gpu: WebGpuBackend, n: number): Promise<boolean> {
  const a = tensor(values(n * n, 1), { shape: [n, n], backend: gpu });
  const b = tensor(values(n * n, 2), { shape: [n, n], backend: gpu });
  const runs: number[] = [];
  try {
    for (let r = 0; r < 6; r++) {
      const start = performance.now();
      const c = matmul(a, b);
      await gpu.flush();
      if (r > 0) runs.push(performance.now() - start); // the first run compiles the pipeline
      c.dispose();
    }
  } finally {
    a.dispose();
    b.dispose();
  }
  const ms = median(runs);
  const gflops = (2 * n ** 3) / ms / 1e6;
  console.log(`matmul ${n}×${n}×${n}: ${ms.toFixed(2)} ms median of 5 = ${gflops.toFixed(1)} GFLOP/s`);
  table.push([`GEMM ${n}³ f32`, `${gflops.toFixed(0)} GFLOP/s (${ms.toFixed(2)} ms)`]);
  return true;
}

/** `npm run bench`'s GPU training-step row at GPT-2 124M's shapes (the tiny GPT with --small). */
async function timeGptStep(gpu: WebGpuBackend): Promise<boolean> {
  const config = small
    ? GPU_GPT_SETUP.config
    : { vocabSize: 50257, blockSize: 1024, nLayer: 12, nHead: 12, nEmbd: 768 };
  const [batch, seq] = small ? [4, 32] : [4, 1024];
  const setup = { config, batch, seq, forwardBatch: 1, warmup: 2, steps: 5, forwardSteps: 3, optimizer: { lr: 6e-4, betas: [0.9, 0.95], weightDecay: 0.1 } };
  const { stepMs, forwardMs, losses } = await measureGpt(gpu, setup);
  const ms = median(stepMs);
  const finite = losses.every(Number.isFinite);
  const shape = `V${config.vocabSize} d${config.nEmbd} L${config.nLayer} H${config.nHead}, ${batch}×${seq}`;
  console.log(`${finite ? "ok  " : "FAIL"} GPT step (${shape}, AdamW): ${ms.toFixed(0)} ms median of ${stepMs.length}, losses ${losses.map((l) => l.toFixed(3)).join(" ")}`);
  table.push([`GPT training step, ${shape}`, `${((batch * seq) / (ms / 1000)).toFixed(0)} tokens/s (${ms.toFixed(0)} ms)${finite ? "" : ", NON-FINITE LOSS"}`]);
  table.push([`GPT forward, 1×${seq}`, `${(seq / (median(forwardMs) / 1000)).toFixed(0)} tokens/s`]);
  return finite;
}

const gpu = await createWebGpuBackend({ powerPreference: "high-performance" });
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

const [T, C, V] = small ? [64, 96, 500] : [1024, 768, 50257];
const results = [
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
table.push(["GPT-2-sized ops vs cpu", `${results.filter(Boolean).length} of ${results.length} agree`]);
const timings: boolean[] = [];
for (const n of small ? [256, 512] : [1024, 2048, 4096, 8192]) timings.push(await section(`GEMM ${n}³ f32`, () => timeMatmul(gpu, n)));
timings.push(await section("GPT training step", () => timeGptStep(gpu)));
console.log(`stats: ${JSON.stringify(gpu.stats())}`);
const ok = failed.length === 0 && results.every(Boolean) && timings.every(Boolean);
console.log(`\n| check | result |\n| --- | --- |\n${table.map(([k, v]) => `| ${k} | ${v} |`).join("\n")}\n`);
console.log(ok ? "gpu check: all passed" : "gpu check: FAILED");
gpu.dispose();
process.exit(ok ? 0 : 1);
