// The GPT-2 training step for the CUDA check: npm run bench's measurement (tooling/bench's measureGpt: forward,
// cross-entropy, backward, AdamW, timed one by one) on a fresh backend per precision, and a per-kernel profile.
import { createCpuBackend } from "@adaptive-sparse/core";
import { createCudaBackend, type Precision } from "../src/index.js";
import { measureGpt } from "../../../tooling/bench/src/gpt-measure.mjs";

export interface GptSetup {
  config: { vocabSize: number; blockSize: number; nLayer: number; nHead: number; nEmbd: number };
  batch: number;
  seq: number;
  forwardBatch: number;
  warmup: number;
  steps: number;
  forwardSteps: number;
  optimizer: { lr: number; betas: number[]; weightDecay: number };
}

export interface GptResult {
  precision: Precision;
  ms: number;
  peakLiveBytes: number;
  losses: number[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

export async function timeGpt(precision: Precision, setup: GptSetup, log: (line: string) => void): Promise<GptResult> {
  const backend = createCudaBackend({ precision });
  try {
    const { stepMs, losses } = (await measureGpt(backend, setup)) as unknown as { stepMs: number[]; losses: number[] };
    const stats = backend.stats();
    const ms = median(stepMs);
    const finite = losses.every(Number.isFinite);
    log(`${finite ? "ok  " : "FAIL"} GPT step ${setup.batch}×${setup.seq}, AdamW, ${precision}: ${ms.toFixed(1)} ms median of ${stepMs.length} (${stepMs.map((x) => x.toFixed(0)).join(" ")}), losses ${losses.map((l) => l.toFixed(3)).join(" ")}; peak live ${gib(stats.peakLiveBytes)}, reserved ${gib(stats.peakReservedBytes)}; ${stats.hostToDeviceBytes} B to device, ${stats.deviceToHostBytes} B back (logits of the forward passes); ${stats.kernelLaunches} launches`);
    if (!finite) throw new Error(`GPT step ${precision}: non-finite loss ${losses.join(", ")}`);
    return { precision, ms, peakLiveBytes: stats.peakLiveBytes, losses };
  } finally {
    backend.releaseCached();
  }
}

/** Two steps with every launch timed by kernel name: where the step's GPU time goes. */
export async function profileGpt(setup: GptSetup, precision: Precision, top: number, log: (line: string) => void): Promise<void> {
  const backend = createCudaBackend({ precision });
  try {
    const profiler = backend.runtime.startProfiling();
    await measureGpt(backend, { ...setup, warmup: 1, steps: 1, forwardSteps: 0 });
    const rows = profiler.report();
    const total = rows.reduce((sum, row) => sum + row.ms, 0);
    log(`GPU time per ${precision} training step by kernel (2 steps profiled, ${(total / 2).toFixed(1)} ms of kernels per step; top ${top}):`);
    for (const row of rows.slice(0, top)) log(`  ${(row.ms / 2).toFixed(2).padStart(8)} ms  ${String(row.count / 2).padStart(6)}×  ${row.name}`);
  } finally {
    backend.releaseCached();
  }
}

/** The tiny GPT (bench's GPU setup) for 20 AdamW steps on cpu and on cuda (f32): losses within 1e-3 relative. */
export async function tinyGptParity(setup: GptSetup, log: (line: string) => void): Promise<boolean> {
  const run = { ...setup, warmup: 0, steps: 20, forwardSteps: 0 };
  const cpu = (await measureGpt(createCpuBackend(), run)) as unknown as { losses: number[] };
  const backend = createCudaBackend();
  try {
    const gpu = (await measureGpt(backend, run)) as unknown as { losses: number[] };
    const worst = Math.max(...cpu.losses.map((want, i) => Math.abs(gpu.losses[i]! - want) / Math.abs(want)));
    const ok = gpu.losses.length === 20 && worst <= 1e-3;
    log(`${ok ? "ok  " : "FAIL"} tiny GPT, 20 AdamW steps, cuda vs cpu: worst relative loss difference ${worst.toExponential(2)} (cpu ${cpu.losses[0]!.toFixed(4)} → ${cpu.losses[19]!.toFixed(4)}, cuda ${gpu.losses[0]!.toFixed(4)} → ${gpu.losses[19]!.toFixed(4)})`);
    return ok;
  } finally {
    backend.releaseCached();
  }
}

/**
 * Flat memory over a long run: after 1,000 tiny-GPT steps a fresh backend holds the same live buffers and
 * reserved bytes as after 10 (the model and optimizer state are the same size; nothing may accumulate).
 */
export async function tinyGptFlatMemory(setup: GptSetup, log: (line: string) => void): Promise<boolean> {
  const after = async (steps: number) => {
    const backend = createCudaBackend();
    try {
      await measureGpt(backend, { ...setup, warmup: 0, steps, forwardSteps: 0 });
      const { liveBuffers, reservedBytes, liveBytes } = backend.stats();
      return { liveBuffers, reservedBytes, liveBytes };
    } finally {
      backend.releaseCached();
    }
  };
  const start = performance.now();
  const [short, long] = [await after(10), await after(1000)];
  const ok = short.liveBuffers === long.liveBuffers && short.reservedBytes === long.reservedBytes && short.liveBytes === long.liveBytes;
  log(`${ok ? "ok  " : "FAIL"} tiny GPT after 10 vs 1,000 steps: ${short.liveBuffers} vs ${long.liveBuffers} live buffers, ${short.reservedBytes} vs ${long.reservedBytes} reserved bytes (${((performance.now() - start) / 1000).toFixed(1)} s)`);
  return ok;
}
