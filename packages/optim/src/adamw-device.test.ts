import { createCpuBackend, memory, tensor, type Backend, type Tensor } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { AdamW } from "./adamw.js";
import { DECAY_MODES } from "./types.js";

/** A cpu backend without the fused AdamWStep kernel, so core's decomposition into primitives runs. */
function decomposing(): Backend {
  const cpu = createCpuBackend();
  return { ...cpu, name: "cpu-decomposed", kernels: { ...cpu.kernels, AdamWStep: undefined } };
}

const WEIGHTS = [0.5, -1.5, 2, -0.25, 1, 3, -2, 0.75];
const MASK = [1, 0, 0, 1, 0, 1, 1, 0];
const grads = (t: number) => WEIGHTS.map((w, i) => Math.sin(3 * t + i) * 0.3 + 0.01 * w);

function run(backend: Backend, mode: (typeof DECAY_MODES)[number]): { w: Tensor; b: Tensor; optimizer: AdamW } {
  const w = tensor(WEIGHTS, { shape: [2, 4], backend }).requireGrad();
  const b = tensor([0.1, -0.2], { backend }).requireGrad();
  const mask = tensor(MASK, { shape: [2, 4], dtype: "u8", backend });
  const optimizer = new AdamW([{ params: [{ param: w, mask }, b] }], { weightDecay: 0.1, betas: [0.9, 0.95], decayMode: mode });
  for (let t = 0; t < 4; t++) {
    w.grad = tensor(grads(t), { shape: [2, 4], backend });
    b.grad = tensor([0.05 * t, -0.1], { backend });
    optimizer.step({ lr: 0.01 * (t + 1), decay: 0.05 * t });
  }
  return { w, b, optimizer };
}

describe("AdamW on the device", () => {
  it.each(DECAY_MODES)("mode %s: the decomposition (no fused kernel) matches the fused cpu kernel within 1e-6 relative", async (mode) => {
    const fused = run(createCpuBackend(), mode);
    const decomposed = run(decomposing(), mode);
    for (const [a, b] of [[fused.w, decomposed.w], [fused.b, decomposed.b]]) {
      const x = [...a.dataSync()];
      [...b.dataSync()].forEach((v, i) => expect(Math.abs(v - x[i])).toBeLessThanOrEqual(1e-6 * Math.abs(x[i]) + 1e-8));
    }
    const [s1, s2] = [await fused.optimizer.state(), await decomposed.optimizer.state()];
    expect(s2.meta).toEqual(s1.meta);
    s1.arrays["params.0.exp_avg"].forEach((v, i) => expect(s2.arrays["params.0.exp_avg"][i]).toBeCloseTo(v, 6));
  });

  it("keeps its moments on the parameter's backend, reads nothing during steps, and frees them on dispose", () => {
    const backend = createCpuBackend();
    const { optimizer, w } = run(backend, "decoupled");
    w.grad = tensor(grads(9), { shape: [2, 4], backend });
    const live = memory().tensors;
    const before = backend.stats();
    optimizer.step({ lr: 0.01, decay: 0.1 });
    const after = backend.stats();
    expect(after.deviceToHostBytes - before.deviceToHostBytes).toBe(0);
    expect(after.hostToDeviceBytes - before.hostToDeviceBytes).toBe(0);
    expect(memory().tensors).toBe(live); // updated in place: no tensor created or leaked
    optimizer.dispose();
    expect(memory().tensors).toBe(live - 4); // μ and v of both parameters
    expect(optimizer.stepCount(w)).toBe(0);
  });
});
