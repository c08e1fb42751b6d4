// The GPT training step's per-kernel profile on one of our CPU paths, without the rest of the bench:
//   node --experimental-wasm-relaxed-simd tooling/bench/src/profile-step.mjs [--gemm wasm|blas|auto] [--threads N] [--steps N] [--quick | --gpt2] [--torch]
// (`npm run bench` prints the same profile for both paths when ADAPTIVE_SPARSE_BENCH_PROFILE=1.)
// --gpt2: GPT-2 124M's shape at 2×1024 instead of the bench's small GPT (about a minute a step here);
// --torch: PyTorch's step on the same setup too (gpt_torch.py, the bench's peer), and the ratio.
// Needs the packages' dist builds (`npx turbo run build`).
import os from "node:os";
import { parseArgs } from "node:util";
import { createWasmBackend } from "@adaptive-sparse/backend-wasm";
import { runTorchScript } from "./children.mjs";
import { GPT2_124M_SETUP, GPT_QUICK_SETUP, GPT_SETUP } from "./gpt-setups.mjs";
import { measureGpt } from "./gpt-measure.mjs";
import { profileTable } from "./kernel-profile.mjs";
import { describeCaches, describeMachine } from "./machine.mjs";

const { values } = parseArgs({
  options: {
    gemm: { type: "string", default: "auto" }, threads: { type: "string" }, steps: { type: "string", default: "3" },
    quick: { type: "boolean", default: false }, gpt2: { type: "boolean", default: false }, torch: { type: "boolean", default: false },
  },
});
if (!["auto", "wasm", "blas"].includes(values.gemm)) throw new Error(`profile-step: --gemm is "${values.gemm}"; use wasm, blas or auto`);
const steps = Number(values.steps);
if (!Number.isInteger(steps) || steps < 1) throw new Error(`profile-step: --steps is "${values.steps}"; use a whole number >= 1`);
const threads = values.threads ? Number(values.threads) : (os.availableParallelism?.() ?? os.cpus().length);
if (values.quick && values.gpt2) throw new Error("profile-step: pass --quick or --gpt2, not both");
const backend = await createWasmBackend({ gemm: values.gemm, threads });
const base = values.gpt2 ? GPT2_124M_SETUP : values.quick ? GPT_QUICK_SETUP : GPT_SETUP;
const setup = { ...base, steps: 1, forwardSteps: 1, profileSteps: steps };
const machine = describeMachine();
console.log(`Processor: ${machine.cpu}; ${describeCaches(machine.caches)}`);
console.log(`GPT step at ${setup.batch}×${setup.seq}, ${backend.gemmPath} GEMM${backend.relaxedSimd ? " (relaxed SIMD kernels)" : ""}, ${backend.threads} threads\n`);
const { profile, stepMs } = await measureGpt(backend, setup);
console.log(profileTable(profile, 25));
const peakMiB = process.resourceUsage().maxRSS / 1024; // this process ran only our model
backend.dispose();
if (values.torch) {
  const ours = Math.min(...stepMs); // the timed step, outside the profile's wrappers
  const result = await runTorchScript("gpt_torch.py", [JSON.stringify(base), String(threads)], threads, { timeoutMs: 3_600_000 });
  if (!result.ok) throw new Error(`profile-step: --torch could not run PyTorch's step: ${result.reason}`);
  const torch = result.value;
  const torchMs = Math.min(...torch.stepMs);
  console.log(`\nPyTorch ${torch.torch} (${torch.threads} threads), the same setup: ${torchMs.toFixed(0)} ms a step (best of ${torch.stepMs.length}), peak ${torch.peakMiB.toFixed(0)} MiB`);
  console.log(`ours: ${ours.toFixed(0)} ms a step (unprofiled) = ${(torchMs / ours).toFixed(2)}× PyTorch's speed; peak ${peakMiB.toFixed(0)} MiB = ${(peakMiB / torch.peakMiB).toFixed(2)}× PyTorch's`);
}
process.exit(0);
