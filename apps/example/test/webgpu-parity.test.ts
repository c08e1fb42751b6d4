import { join } from "node:path";
import { createCpuBackend, type Backend } from "@adaptive-sparse/core";
import { createWebGpuBackend, isWebGpuAvailable } from "@adaptive-sparse/backend-webgpu";
import { loadModelFolder } from "@adaptive-sparse/cli";
import { createWindowSampler } from "@adaptive-sparse/data";
import { train } from "@adaptive-sparse/trainer";
import { describe, expect, it } from "vitest";
import { loadExampleData } from "../src/data.js";
import { methodSpec } from "../src/methods.js";
import { loadExampleSettings } from "../src/settings.js";

// Issue 7: the example's --quick AST-Boosted run on WebGPU follows the cpu backend's loss trajectory within 1e-3
// relative per step for the first 20 steps (on Mesa's lavapipe here; on a real GPU where one is present).
const here = join(import.meta.dirname, "..");
const teacher = process.env.EXAMPLE_TEACHER ?? join(here, "teacher");
const available = await isWebGpuAvailable();
if (!available) console.log("webgpu parity: skipped, no WebGPU adapter (install mesa-vulkan-drivers from bookworm-backports)");

/** The run with both models placed on `backend` explicitly (core's default backend is not touched). */
async function losses(backend: Backend): Promise<readonly number[]> {
  const settings = await loadExampleSettings(join(here, "config.yaml"), true, [`teacher=${teacher}`, "steps=20", "batchSize=2", "evalWindows=2"]);
  const { model: student, tokenizer } = await loadModelFolder(teacher, undefined, { backend });
  const { model: dense } = await loadModelFolder(teacher, undefined, { backend });
  const { retrain } = await loadExampleData(settings, tokenizer, student.config.blockSize);
  const spec = methodSpec("ast-boosted", settings, 1);
  const result = await train({
    config: { ...spec.config!, eval: { every: 0, maxWindows: 1 } },
    student,
    teacher: dense,
    backend,
    data: { train: createWindowSampler(retrain, { blockSize: student.config.blockSize, batchSize: 2, seed: 7 }) },
  });
  return result.losses;
}

describe.skipIf(!available)("AST-Boosted quick run: webgpu vs cpu", () => {
  it("matches the cpu loss trajectory within 1e-3 relative for 20 steps", async () => {
    const cpu = await losses(createCpuBackend());
    const gpu = await losses(await createWebGpuBackend());
    expect(gpu.length).toBe(20);
    gpu.forEach((loss, step) => expect(Math.abs(loss - cpu[step]) / Math.abs(cpu[step]), `step ${step}: webgpu ${loss}, cpu ${cpu[step]}`).toBeLessThan(1e-3));
  });
});
