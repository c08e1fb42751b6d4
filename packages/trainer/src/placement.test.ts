import { ConfigError, createCpuBackend, getDefaultBackend, type Backend } from "@adaptive-sparse/core";
import { createWasmBackend } from "@adaptive-sparse/backend-wasm";
import { createWebGpuBackend, isWebGpuAvailable } from "@adaptive-sparse/backend-webgpu";
import { describe, expect, it } from "vitest";
import { modelFrom, pretrainedWeights, sampler } from "./test-helpers.js";
import { train } from "./train.js";

const webgpu = await isWebGpuAvailable();
if (!webgpu) console.log("trainer placement: the webgpu case is skipped, no WebGPU adapter (install mesa-vulkan-drivers for lavapipe)");

const lr = { options: { max: 1e-2, min: 1e-3, warmupSteps: 2 } };
const config = { method: "ast", steps: 6, lr, refresh: { every: 3 }, decay: { options: { max: 0.05, rampSteps: 4 } }, distill: { wTask: 0.4, wKL: 0.4, wSq: 0.2 }, eval: { every: 0 } } as const;

/** AST with KL and layerwise distillation (teacher logits and hidden states cross backends), both models placed explicitly. */
async function run(backend: Backend, teacherBackend: Backend) {
  const weights = await pretrainedWeights();
  const student = modelFrom(weights);
  const teacher = modelFrom(weights);
  const result = await train({ config, student, teacher, backend, teacherBackend, data: { train: sampler(11) } });
  return { result, student, teacher };
}

describe("train() places student and teacher", () => {
  it("moves the student to `backend` and the teacher to `teacherBackend`; a cpu/wasm split matches cpu/cpu", async () => {
    const cpu = createCpuBackend();
    const reference = await run(cpu, cpu);
    expect(reference.student.parameters().every((p) => p.backend === cpu)).toBe(true);
    const wasm = await createWasmBackend({ gemm: "wasm" });
    const split = await run(cpu, wasm);
    expect(split.student.parameters().every((p) => p.backend === cpu)).toBe(true);
    expect(split.teacher.parameters().every((p) => p.backend === wasm)).toBe(true);
    expect(split.result.losses.length).toBe(6);
    split.result.losses.forEach((loss, step) => expect(Math.abs(loss - reference.result.losses[step]) / reference.result.losses[step], `step ${step}`).toBeLessThan(1e-5));
  });

  it("refuses a teacher on another backend that reads only asynchronously, before any step", async () => {
    const asyncOnly = Object.assign(Object.create(null) as Backend, createCpuBackend(), { name: "async-cpu", readSync: undefined });
    const failure = (await run(getDefaultBackend(), asyncOnly).then(() => null, (error: unknown) => error)) as Error;
    expect(failure).toBeInstanceOf(ConfigError);
    expect(failure.message).toMatch(/the teacher runs on backend "async-cpu" and the student on "cpu"; a teacher on another backend must read synchronously \(cpu or wasm\)/);
  });

  it.skipIf(!webgpu)("teacher on wasm, student on webgpu (lavapipe): losses follow the all-cpu run within 1e-4 relative", async () => {
    const cpu = createCpuBackend();
    const reference = await run(cpu, cpu);
    const gpu = await createWebGpuBackend();
    const wasm = await createWasmBackend({ gemm: "wasm" });
    const split = await run(gpu, wasm);
    expect(split.student.parameters().every((p) => p.backend === gpu)).toBe(true);
    expect(split.teacher.parameters().every((p) => p.backend === wasm)).toBe(true);
    expect(split.result.summary.sparsity).toBe(0.5);
    split.result.losses.forEach((loss, step) => expect(Math.abs(loss - reference.result.losses[step]) / reference.result.losses[step], `step ${step}: ${loss} vs ${reference.result.losses[step]}`).toBeLessThan(1e-4)); // measured 4.3e-7
  });
});
