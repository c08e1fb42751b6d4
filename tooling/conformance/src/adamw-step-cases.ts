import { adamwStep, createCpuBackend, full, tensor, type AdamWStepMode, type Backend, type Tensor } from "@adaptive-sparse/core";
import { expect, it } from "vitest";
import { relativeError } from "./compare.js";
import { seededValues } from "./device-check.js";

const MODES: readonly AdamWStepMode[] = ["textbook", "decoupled", "reference-int-not", "gradient", "sgd"];


/** Three AdamW steps of one [6, 8] parameter (a 2:4 mask in the masked modes); returns param, m, v. */
async function run(backend: Backend, mode: AdamWStepMode): Promise<Float32Array[]> {
  const shape = [6, 8];
  const param = tensor(seededValues(48, 1), { shape, backend });
  const m = full(shape, 0, { backend });
  const v = full(shape, 0, { backend });
  const mask = mode === "textbook" ? null : tensor(Uint8Array.from({ length: 48 }, (_, i) => ((i * 7) % 4 < 2 ? 1 : 0)), { shape, backend });
  for (let step = 1; step <= 3; step++) {
    const grad = tensor(seededValues(48, 10 + step, 0.5), { shape, backend });
    adamwStep({ param, m, v, grad, mask }, { lr: 0.01, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, decay: 0.2, step, mode });
    grad.dispose();
  }
  const out = (await Promise.all([param.data(), m.data(), v.data()])) as Float32Array[];
  [param, m, v, mask].forEach((t: Tensor | null) => t?.dispose());
  return out;
}

/** The in-place AdamW update (fused kernel or decomposition) against the cpu kernel, every mode, with no leaked buffer. */
export function describeAdamWStep(backend: () => Backend, tolerance: number): void {
  for (const mode of MODES) {
    it(`AdamWStep ${mode}: three in-place steps match the cpu kernel`, async () => {
      const before = backend().liveBuffers();
      const [want, got] = [await run(createCpuBackend(), mode), await run(backend(), mode)];
      ["param", "m", "v"].forEach((name, k) => {
        expect(relativeError(got[k], Array.from(want[k])), `AdamWStep ${mode}: ${name}`).toBeLessThanOrEqual(tolerance);
      });
      expect(backend().liveBuffers(), `AdamWStep ${mode}: buffers leaked`).toBe(before);
    });
  }
}
