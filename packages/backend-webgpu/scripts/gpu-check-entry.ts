// Bundled by gpu-check.mjs: the check to run on a machine with a real GPU (e.g. the H200 device machine).
import {
  createCpuBackend, crossEntropy, gather, groupTopK, layerNorm, matmul, scatterAdd, setDefaultBackend, softmax, sum, tensor,
  tidy, type Backend, type Tensor,
} from "@adaptive-sparse/core";
import { createWebGpuBackend, type WebGpuBackend } from "../src/index.js";
import { relativeError } from "../../../tooling/conformance/src/compare.js";
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

async function timeMatmul(gpu: WebGpuBackend, n: number): Promise<void> {
  const a = tensor(values(n * n, 1), { shape: [n, n], backend: gpu });
  const b = tensor(values(n * n, 2), { shape: [n, n], backend: gpu });
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    const c = matmul(a, b);
    await gpu.flush();
    runs.push(performance.now() - start);
    c.dispose();
  }
  const median = runs.sort((x, y) => x - y)[2];
  console.log(`matmul ${n}×${n}×${n}: ${median.toFixed(1)} ms median of 5 = ${((2 * n ** 3) / median / 1e6).toFixed(1)} GFLOP/s`);
  a.dispose();
  b.dispose();
}

const gpu = await createWebGpuBackend({ powerPreference: "high-performance" });
const limits = gpu.device.limits;
console.log(`adapter: ${gpu.adapter}; maxStorageBufferBindingSize ${limits.maxStorageBufferBindingSize}, maxBufferSize ${limits.maxBufferSize}`);
if (/llvmpipe|swiftshader|software/i.test(gpu.adapter) && !allowSoftware) {
  console.log("FAIL: this is a software adapter. Is the GPU's Vulkan driver installed (ls /usr/share/vulkan/icd.d/ for nvidia_icd.json)? Pass --allow-software to run anyway.");
  process.exit(1);
}
setDefaultBackend(gpu);
const fixtures = await runFixtures(gpu);
const failed = Object.entries(fixtures.failures);
console.log(`${failed.length ? "FAIL" : "ok  "} conformance fixtures: ${fixtures.passed} passed, ${failed.length} failed`);
for (const [name, why] of failed) console.log(`     ${name}: ${why}`);

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
for (const n of small ? [256] : [1024, 4096]) await timeMatmul(gpu, n);
console.log(`stats: ${JSON.stringify(gpu.stats())}`);
const ok = failed.length === 0 && results.every(Boolean);
console.log(ok ? "gpu check: all passed" : "gpu check: FAILED");
gpu.dispose();
process.exit(ok ? 0 : 1);
