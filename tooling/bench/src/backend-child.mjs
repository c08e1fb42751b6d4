// Child-process entry (children.mjs runs it): creates one backend, runs the job's tensor GEMMs and/or GPT
// measurement on it, and prints RESULT_MARK + JSON, including this process's peak RSS.
//   node backend-child.mjs '{"backend": {...}, "gemm": {"shapes": [...], "samples": {...}}, "gpt": {...}}'
// backend: { kind: "wasm", gemm: "blas" | "wasm", threads } | { kind: "webgpu" } | { kind: "gpujs", mode }
// | { kind: "cpu" } (core's reference backend: bench.test.mjs runs a tiny GPT on it).
// A failure prints { error } (the reason the row is skipped) and exits 0.
import { readFileSync } from "node:fs";
import { RESULT_MARK } from "./children.mjs";
import { measureGpt } from "./gpt-measure.mjs";
import { measureTensorGemm } from "./tensor-gemm.mjs";

/** Dawn's entry point, held for the life of the process (Dawn crashes if it is collected while a device lives). */
let dawn = null;

/** "description (vendor, architecture)" of the adapter Dawn offers, as backend-webgpu names it. */
async function dawnAdapter(gpu) {
  const adapter = await gpu.requestAdapter();
  const info = adapter?.info;
  if (!info) return "unknown adapter";
  const details = [info.vendor, info.architecture].filter(Boolean).join(", ");
  return `${info.description || info.device || "unnamed adapter"}${details ? ` (${details})` : ""}`;
}

async function createBackend(spec) {
  if (spec.kind === "cpu") {
    const { createCpuBackend } = await import("@adaptive-sparse/core");
    return { backend: createCpuBackend(), info: { kind: "cpu" } };
  }
  if (spec.kind === "wasm") {
    const { createWasmBackend } = await import("@adaptive-sparse/backend-wasm");
    const backend = await createWasmBackend({ gemm: spec.gemm, threads: spec.threads });
    return { backend, info: { kind: "wasm", gemmPath: backend.gemmPath, blasLibrary: backend.blasLibrary, relaxedSimd: backend.relaxedSimd, threads: backend.threads } };
  }
  if (spec.kind === "webgpu") {
    const { createWebGpuBackend } = await import("@adaptive-sparse/backend-webgpu");
    const backend = await createWebGpuBackend();
    return { backend, info: { kind: "webgpu", adapter: backend.adapter } };
  }
  if (spec.kind === "gpujs") {
    const { createGpuJsBackend } = await import("@adaptive-sparse/backend-gpujs");
    let adapter = null;
    if (spec.mode === "webgpu") {
      const { create } = await import("webgpu");
      dawn = create([]);
      adapter = await dawnAdapter(dawn);
    }
    const backend = await createGpuJsBackend({ mode: spec.mode, ...(dawn ? { gpu: dawn } : {}) });
    return { backend, info: { kind: "gpujs", mode: backend.mode, adapter } };
  }
  throw new Error(`backend-child: unknown backend kind ${JSON.stringify(spec.kind)} (wasm, webgpu, gpujs or cpu)`);
}

/**
 * This process's peak RSS in MiB. On Linux, VmHWM from /proc/self/status: getrusage's maxRSS (what
 * process.resourceUsage() reports) is inherited through fork and exec, so a child of the large bench
 * process would report the parent's peak. Elsewhere maxRSS.
 */
function peakMiB() {
  try {
    const kib = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    if (kib) return Number(kib) / 1024;
  } catch {
    // no procfs
  }
  return process.resourceUsage().maxRSS / 1024; // KiB
}

async function main() {
  const job = JSON.parse(process.argv[2]);
  const { backend, info } = await createBackend(job.backend);
  const result = { backend: info };
  if (job.gemm) result.gemm = await measureTensorGemm(backend, job.gemm.shapes, job.gemm.samples);
  if (job.gpt) result.gpt = await measureGpt(backend, job.gpt);
  result.peakMiB = peakMiB();
  return result;
}

let output;
try {
  output = await main();
} catch (error) {
  output = { error: error instanceof Error ? error.message : String(error) };
}
console.log(RESULT_MARK + JSON.stringify(output));
process.exit(0); // worker pools and Dawn would keep the process alive
