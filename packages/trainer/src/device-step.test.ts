import { createCpuBackend, type Backend } from "@adaptive-sparse/core";
import { createWebGpuBackend, isWebGpuAvailable } from "@adaptive-sparse/backend-webgpu";
import type { WindowSampler } from "@adaptive-sparse/data";
import { describe, expect, it } from "vitest";
import type { RefreshEvent, StepEvent, TrainerEvent } from "./events.js";
import { modelFrom, pretrainedWeights, sampler } from "./test-helpers.js";
import { train } from "./train.js";

const webgpu = await isWebGpuAvailable();
if (!webgpu) console.log("trainer device-step: skipped, no WebGPU adapter (install mesa-vulkan-drivers for lavapipe)");

const STEPS = 10;
const BATCH = { batchSize: 4, blockSize: 16 };
/** Token ids of one micro-batch as the step uploads them: x and y, i32. */
const TOKEN_BYTES = 2 * BATCH.batchSize * BATCH.blockSize * 4;
// AST with its default magnitude strategy, refreshed after steps 0, 3, 6, 9; metrics read at steps 4 and 9.
const config = { method: "ast", steps: STEPS, lr: { options: { max: 1e-2, min: 1e-3, warmupSteps: 2 } }, refresh: { every: 3 }, decay: { options: { max: 0.05, rampSteps: 6 } }, log: { every: 5 } } as const;

/** The backend's byte counters each time the step asks the sampler for its batch (the start of every step). */
function counting(inner: WindowSampler, backend: Backend, marks: { hostToDevice: number; deviceToHost: number }[]): WindowSampler {
  return new Proxy(inner, {
    get(target, key, receiver) {
      if (key !== "next") return Reflect.get(target, key, receiver);
      return () => {
        const { hostToDeviceBytes, deviceToHostBytes } = backend.stats();
        marks.push({ hostToDevice: hostToDeviceBytes, deviceToHost: deviceToHostBytes });
        return target.next();
      };
    },
  });
}

async function run(backend: Backend, log: { every: number; values?: "every-step" | "logging-step" } = config.log) {
  const marks: { hostToDevice: number; deviceToHost: number }[] = [];
  const events: TrainerEvent[] = [];
  const result = await train({ config: { ...config, log }, student: modelFrom(await pretrainedWeights()), backend, data: { train: counting(sampler(5), backend, marks) }, onEvent: (event) => void events.push(event) });
  const deltas = marks.slice(1).map((mark, t) => ({ hostToDevice: mark.hostToDevice - marks[t].hostToDevice, deviceToHost: mark.deviceToHost - marks[t].deviceToHost }));
  return { result, events, deltas };
}

describe.skipIf(!webgpu)("an AST step on webgpu stays on the device (issue 12, acceptance 2)", () => {
  it("after two warm-up steps a step with a mask refresh uploads only its token ids and reads nothing; losses match cpu within 1e-4", async () => {
    const gpu = await run(await createWebGpuBackend());
    const cpu = await run(createCpuBackend());
    // deltas[t]: from the start of step t to the start of step t + 1 (step t, its after-step refresh, a log read when due).
    const refreshStep = gpu.deltas[3]; // the refresh after step 3 (not a logging step)
    expect(refreshStep).toEqual({ hostToDevice: TOKEN_BYTES, deviceToHost: 0 });
    for (const t of [2, 5, 7]) expect(gpu.deltas[t], `step ${t}`).toEqual({ hostToDevice: TOKEN_BYTES, deviceToHost: 0 });
    // The logging step reads the queued metrics of steps 0–4 (5 f32 each) and the refresh flip counts
    // (i32 [8 layers, 2]) of the refreshes after steps 0 and 3, in one read each; no weight, gradient,
    // optimizer-state or mask bytes.
    const logRead = 5 * 5 * 4 + 2 * 8 * 2 * 4;
    expect(gpu.deltas[4]).toEqual({ hostToDevice: TOKEN_BYTES, deviceToHost: logRead });
    // The step events carry those counters (into metrics.jsonl): on each logging step, for its interval.
    const steps = gpu.events.filter((e): e is StepEvent => e.type === "step");
    expect(steps.map((e) => e.deviceToHostBytes)).toEqual([null, null, null, null, logRead, null, null, null, null, logRead]);
    // Step 0 also builds the length cache once: the position ids (16 i32). The causal mask is never uploaded:
    // webgpu has the fused CausalSoftmax, which masks by index.
    expect(steps.map((e) => e.hostToDeviceBytes)).toEqual([null, null, null, null, 5 * TOKEN_BYTES + 64, null, null, null, null, 5 * TOKEN_BYTES]);
    expect(gpu.events.filter((e): e is RefreshEvent => e.type === "refresh").map((e) => e.step)).toEqual([0, 3, 6, 9, 10]);
    expect(gpu.result.losses).toHaveLength(STEPS);
    gpu.result.losses.forEach((loss, t) => expect(Math.abs(loss - cpu.result.losses[t]) / cpu.result.losses[t], `step ${t}`).toBeLessThan(1e-4));
  });

  it("with log.values logging-step the logging step reads at most 64 bytes: its own 5 metrics and 8 bytes of flip totals per refresh", async () => {
    const gpu = await run(await createWebGpuBackend(), { every: 5, values: "logging-step" });
    for (const t of [2, 3, 5, 7]) expect(gpu.deltas[t], `step ${t}`).toEqual({ hostToDevice: TOKEN_BYTES, deviceToHost: 0 });
    const logRead = 5 * 4 + 2 * 2 * 4; // step 4's metrics; model-wide [previous, initial] flips of the refreshes after steps 0 and 3
    expect(gpu.deltas[4]).toEqual({ hostToDevice: TOKEN_BYTES, deviceToHost: logRead });
    expect(logRead).toBeLessThanOrEqual(64);
    const steps = gpu.events.filter((e): e is StepEvent => e.type === "step");
    expect(steps.map((e) => e.step)).toEqual([4, 9]);
    const refreshes = gpu.events.filter((e): e is RefreshEvent => e.type === "refresh");
    expect(refreshes.map((e) => e.step)).toEqual([0, 3, 6, 9, 10]);
    // The totals are the per-layer counts summed: the same as the every-step run's refresh events.
    const full = await run(createCpuBackend());
    const fullRefreshes = full.events.filter((e): e is RefreshEvent => e.type === "refresh");
    refreshes.forEach((e, i) => expect([e.flipsPrevious, e.flipsInitial]).toEqual([fullRefreshes[i].flipsPrevious, fullRefreshes[i].flipsInitial]));
    expect(refreshes.every((e) => e.layers.length === 0)).toBe(true);
  });
});
