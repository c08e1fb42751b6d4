// Bundled by browser-smoke.mjs: inside Chromium, runs every conformance fixture case on WebGPU, then a few
// AdamW training steps of the tiny GPT on WebGPU and on the cpu backend from the same initial weights.
import { createCpuBackend, setDefaultBackend } from "@adaptive-sparse/core";
import { measureGpt } from "../../../tooling/bench/src/gpt-measure.mjs";
import { GPU_GPT_SETUP } from "../../../tooling/bench/src/gpt-setups.mjs";
import { createWebGpuBackend } from "../src/index.js";
import { runFixtures } from "./fixture-runner.js";

/** The bench's small GPT (2 layers, 2 heads, 64 wide, vocab 256, 4×32 tokens a step), 5 steps from the start. */
const TINY_GPT = { ...GPU_GPT_SETUP, warmup: 0, forwardSteps: 1 };

(async () => {
  const backend = await createWebGpuBackend().catch((error: Error) => {
    (window as any).__smoke = { error: error.message };
    return null;
  });
  if (!backend) return;
  setDefaultBackend(backend);
  const fixtures = await runFixtures(backend);
  const webgpu = await measureGpt(backend, TINY_GPT);
  const cpu = await measureGpt(createCpuBackend(), TINY_GPT);
  (window as any).__smoke = { adapter: backend.adapter, ...fixtures, training: { webgpu: webgpu.losses, cpu: cpu.losses } };
})();
