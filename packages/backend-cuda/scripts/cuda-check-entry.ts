// The CUDA check, bundled (koffi kept external) into the GPU pack and by cuda-check.mjs. Prints the device, then
// each section in its own try/catch: conformance fixtures, GPT-2-sized ops vs cpu, GEMM rows (f32/TF32/bf16),
// a GPT-2 124M training step, PyTorch's figures timed in the same run (python3 + torch), and a markdown table.
// Usage: node cuda-check.mjs [--small] [--sections=conformance,ops,gemm,gpt,torch,memory]
//   --small: tiny sizes, for trying the script quickly; --sections: run only these sections (default all;
//   also memory: 1,000 tiny-GPT steps with flat live buffers and reserved bytes).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setDefaultBackend } from "@adaptive-sparse/core";
import { createCudaBackend, type CudaBackend } from "../src/index.js";
import { GPU_GPT_SETUP } from "../../../tooling/bench/src/gpt-setups.mjs";
import { runFixtures } from "../../backend-webgpu/scripts/fixture-runner.js";
import { randomValues, timeGemms, type GemmRow } from "./check-gemm.js";
import { checkOps } from "./check-ops.js";
import { profileGpt, timeGpt, tinyGptFlatMemory, tinyGptParity, type GptResult, type GptSetup } from "./check-gpt.js";
import { TORCH_REFERENCE_PY } from "./torch-reference.js";

const small = process.argv.includes("--small");
const chosen = process.argv.find((arg) => arg.startsWith("--sections="))?.slice("--sections=".length).split(",");
const wanted = (key: string) => !chosen || chosen.includes(key);
const started = performance.now();
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)} +${((performance.now() - started) / 1000).toFixed(1)}s] ${line}`);
const table: [string, string][] = [];
let failed = false;

async function section<T>(name: string, body: () => Promise<T> | T, key: string): Promise<T | null> {
  if (!wanted(key)) return null;
  log(`— ${name}`);
  try {
    return await body();
  } catch (error) {
    const message = error instanceof Error ? `${error.message}\n${error.stack?.split("\n").slice(1, 4).join("\n") ?? ""}` : String(error);
    log(`FAIL ${name}: ${message}`);
    table.push([name, `failed: ${message.split("\n")[0]}`]);
    failed = true;
    return null;
  }
}

let gpu: CudaBackend;
try {
  gpu = createCudaBackend();
} catch (error) {
  console.log(`cuda check: no usable CUDA device here.\n${(error as Error).message}`);
  process.exit(1);
}
const rt = gpu.runtime;
log(`device: ${gpu.deviceName}, compute capability ${gpu.computeCapability.join(".")} (kernels for sm_${rt.arch}); driver API ${rt.driver.version} (${rt.driver.path}); NVRTC ${rt.nvrtc.version.join(".")} (${rt.nvrtc.path}); cuBLAS ${rt.cublas.version} (${rt.cublas.path})`);
table.push(["device", `${gpu.deviceName} (sm_${gpu.computeCapability.join("")})`]);
setDefaultBackend(gpu);

await section("conformance fixtures", async () => {
  const { passed, failures } = await runFixtures(gpu);
  const bad = Object.entries(failures);
  for (const [name, why] of bad) log(`     ${name}: ${why}`);
  log(`${bad.length ? "FAIL" : "ok  "} conformance fixtures: ${passed} passed, ${bad.length} failed (${rt.compiledKernels} kernels compiled in ${rt.compileMs.toFixed(0)} ms)`);
  table.push(["conformance fixtures", `${passed} passed, ${bad.length} failed`]);
  if (bad.length) failed = true;
}, "conformance");

await section("GPT-2-sized ops vs cpu", async () => {
  const results = await checkOps(gpu, small, log);
  table.push(["GPT-2-sized ops vs cpu", `${results.filter(Boolean).length} of ${results.length} agree`]);
  if (!results.every(Boolean)) failed = true;
}, "ops");

const sizes = small ? [256, 512] : [1024, 2048, 4096, 8192];
const reps = 20;
const gemmRows: GemmRow[] = [];
const host = wanted("gemm") ? randomValues(sizes[sizes.length - 1]! ** 2 + 1024, 7) : new Float32Array(0);
for (const precision of ["f32", "tf32", "bf16"] as const) {
  await section(`GEMM ${precision}`, () => gemmRows.push(...timeGemms(precision, sizes, reps, host, log)), "gemm");
}

const gptConfig = small ? GPU_GPT_SETUP.config : { vocabSize: 50257, blockSize: 1024, nLayer: 12, nHead: 12, nEmbd: 768 };
const [batch, seq] = small ? [4, 32] : [4, 1024];
const gptSetup = { config: gptConfig, batch, seq, forwardBatch: 1, warmup: 2, steps: 5, forwardSteps: 3, optimizer: { lr: 6e-4, betas: [0.9, 0.95], weightDecay: 0.1 } };
await section("tiny GPT losses vs cpu", async () => {
  const ok = await tinyGptParity(GPU_GPT_SETUP as GptSetup, log);
  table.push(["tiny GPT, 20 AdamW steps: losses vs cpu", ok ? "within 1e-3" : "DIFFER"]);
  if (!ok) failed = true;
}, "gpt");
setDefaultBackend(gpu);

const ours: GptResult[] = [];
gpu.releaseCached();
for (const precision of ["f32", "tf32", "bf16"] as const) {
  await section(`GPT-2 124M training step ${precision}`, async () => ours.push(await timeGpt(precision, gptSetup, log)), "gpt");
}
await section("GPT-2 step profile f32", () => profileGpt(gptSetup, "f32", 25, log), "gpt");
await section("GPT-2 step profile bf16", () => profileGpt(gptSetup, "bf16", 15, log), "gpt");
setDefaultBackend(gpu);

type TorchGpt = { stepMs: number[]; losses: number[]; peakBytes: number };
type TorchResult = { torch: string; gemm: Record<string, number>; gpt: Record<string, TorchGpt> | null };
const torch = await section("PyTorch reference (python3)", () => {
  const dir = mkdtempSync(join(tmpdir(), "cuda-check-"));
  try {
    writeFileSync(join(dir, "torch_reference.py"), TORCH_REFERENCE_PY);
    const args = JSON.stringify({ gemm_sizes: wanted("gemm") ? sizes : [], reps, gpt: wanted("gpt") ? gptSetup : null });
    const output = execFileSync("python3", [join(dir, "torch_reference.py"), args], { encoding: "utf8", timeout: 150_000, stdio: ["ignore", "pipe", "inherit"] });
    const line = output.split("\n").find((l) => l.startsWith("TORCH_JSON "));
    if (!line) throw new Error(`python3 printed no result:\n${output.slice(-2000)}`);
    const result = JSON.parse(line.slice("TORCH_JSON ".length)) as TorchResult;
    log(`PyTorch ${result.torch}: ${Object.entries(result.gemm).map(([k, ms]) => `${k} ${ms.toFixed(3)} ms`).join(", ")}`);
    for (const [mode, g] of Object.entries(result.gpt ?? {})) log(`PyTorch GPT step ${mode}: ${g.stepMs.map((x) => x.toFixed(1)).join(" ")} ms, losses ${g.losses.map((l) => l.toFixed(3)).join(" ")}, peak ${(g.peakBytes / 2 ** 30).toFixed(2)} GiB`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, "torch");

// Last, and only while the run is well inside its 4 minutes (the pack's launcher stops the check at its timeout).
await section("tiny GPT memory over 1,000 steps", async () => {
  const elapsed = (performance.now() - started) / 1000;
  if (elapsed > 150) {
    log(`skipped: ${elapsed.toFixed(0)} s have passed; run it alone with --sections=memory`);
    return;
  }
  const ok = await tinyGptFlatMemory(GPU_GPT_SETUP as GptSetup, log);
  table.push(["tiny GPT, 1,000 steps: live buffers and reserved bytes", ok ? "flat" : "GROW"]);
  if (!ok) failed = true;
}, "memory");

const ratio = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(2)}×` : "n/a");
for (const row of gemmRows) {
  const key = `${row.precision === "bf16-preconverted" ? "bf16" : row.precision}:${row.n}`;
  const theirs = torch?.gemm[key];
  const label = row.precision === "bf16-preconverted" ? "bf16 (bf16 operands)" : row.precision === "bf16" ? "bf16 (our MatMul on f32 tensors, cached bf16 copies)" : row.precision;
  table.push([`GEMM ${row.n}³ ${label}`, `${row.tflops.toFixed(1)} TFLOP/s${theirs ? `; PyTorch ${((2 * row.n ** 3) / theirs / 1e9).toFixed(1)}; ratio ${ratio(theirs, row.ms)}` : ""}`]);
}
const tokens = batch * seq;
for (const row of ours) {
  const tg = torch?.gpt?.[row.precision];
  const theirMs = tg ? [...tg.stepMs].sort((x, y) => x - y)[Math.floor(tg.stepMs.length / 2)]! : undefined;
  const label = row.precision === "bf16" ? "bf16 GEMMs (PyTorch: bf16 autocast)" : row.precision;
  table.push([`GPT-2 124M step ${batch}×${seq} AdamW, ${label}`, `${(tokens / (row.ms / 1000)).toFixed(0)} tokens/s (${row.ms.toFixed(1)} ms)${theirMs ? `; PyTorch ${(tokens / (theirMs / 1000)).toFixed(0)} tokens/s (${theirMs.toFixed(1)} ms); ratio ${ratio(theirMs, row.ms)}` : ""}`]);
  table.push([`  peak memory, ${row.precision}`, `${(row.peakLiveBytes / 2 ** 30).toFixed(2)} GiB live${tg ? `; PyTorch ${(tg.peakBytes / 2 ** 30).toFixed(2)} GiB allocated; ratio ${(row.peakLiveBytes / tg.peakBytes).toFixed(2)}×` : ""}`]);
}
console.log(`\n| check | result |\n| --- | --- |\n${table.map(([k, v]) => `| ${k} | ${v} |`).join("\n")}\n`);
log(failed ? "cuda check: FAILED" : "cuda check: all passed");
process.exit(failed ? 1 : 0);
