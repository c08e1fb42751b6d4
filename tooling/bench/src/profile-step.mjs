// The GPT training step's per-kernel profile on one of our CPU paths, without the rest of the bench:
//   node --experimental-wasm-relaxed-simd tooling/bench/src/profile-step.mjs [--gemm wasm|blas|auto] [--threads N] [--steps N] [--quick]
// (`npm run bench` prints the same profile for both paths when ADAPTIVE_SPARSE_BENCH_PROFILE=1.)
// Needs the packages' dist builds (`npx turbo run build`).
import os from "node:os";
import { parseArgs } from "node:util";
import { createWasmBackend } from "@adaptive-sparse/backend-wasm";
import { GPT_QUICK_SETUP, GPT_SETUP } from "./gpt-setups.mjs";
import { measureGpt } from "./gpt-measure.mjs";
import { profileTable } from "./kernel-profile.mjs";
import { describeCaches, describeMachine } from "./machine.mjs";

const { values } = parseArgs({
  options: { gemm: { type: "string", default: "auto" }, threads: { type: "string" }, steps: { type: "string", default: "3" }, quick: { type: "boolean", default: false } },
});
if (!["auto", "wasm", "blas"].includes(values.gemm)) throw new Error(`profile-step: --gemm is "${values.gemm}"; use wasm, blas or auto`);
const steps = Number(values.steps);
if (!Number.isInteger(steps) || steps < 1) throw new Error(`profile-step: --steps is "${values.steps}"; use a whole number >= 1`);
const threads = values.threads ? Number(values.threads) : (os.availableParallelism?.() ?? os.cpus().length);
const backend = await createWasmBackend({ gemm: values.gemm, threads });
const setup = { ...(values.quick ? GPT_QUICK_SETUP : GPT_SETUP), steps: 1, forwardSteps: 1, profileSteps: steps };
const machine = describeMachine();
console.log(`Processor: ${machine.cpu}; ${describeCaches(machine.caches)}`);
console.log(`GPT step at ${setup.batch}×${setup.seq}, ${backend.gemmPath} GEMM${backend.relaxedSimd ? " (relaxed SIMD kernels)" : ""}, ${backend.threads} threads\n`);
const { profile } = await measureGpt(backend, setup);
console.log(profileTable(profile, 25));
backend.dispose();
process.exit(0);
