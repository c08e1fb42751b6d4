import { adamwStep, createCpuBackend, crossEntropy, ShapeError, tensor, tidy, type AdamWStepMode, type Backend } from "@adaptive-sparse/core";
import { relativeError } from "@adaptive-sparse/conformance";
import { describe, expect, it } from "vitest";
import { hasAdapter, randomValues, sharedBackend } from "./test-device.js";

const read = async (t: { data(): Promise<ArrayLike<number>> }) => Array.from(await t.data());

describe.runIf(await hasAdapter())("webgpu training kernels against the cpu backend", () => {
  // 37 rows of 1000 classes (rows longer than a workgroup), two ignored rows; cpu keeps the decomposition.
  const [rows, classes] = [37, 1000];
  const logits = randomValues(rows * classes, 3).map((v) => 6 * v);
  const targets = Array.from({ length: rows }, (_, n) => (n % 11 === 5 ? -100 : (n * 277) % classes));

  async function crossEntropyOn(backend: Backend, reduction: "mean" | "none") {
    const x = tensor(logits, { shape: [rows, classes], backend, requiresGrad: true });
    const loss = tidy(() => {
      const l = crossEntropy(x, tensor(targets, { dtype: "i32", backend }), { reduction });
      (reduction === "none" ? l.mul(tensor(randomValues(rows, 4), { backend })).sum() : l).backward();
      return l;
    });
    return { loss: await read(loss), grad: await read(x.grad!) };
  }

  it("fused cross-entropy and its gradient (one workgroup per row) match the decomposition", async () => {
    const gpu = await sharedBackend();
    expect(typeof gpu.kernels.SoftmaxCrossEntropy).toBe("function");
    for (const reduction of ["mean", "none"] as const) {
      const [want, got] = [await crossEntropyOn(createCpuBackend(), reduction), await crossEntropyOn(gpu, reduction)];
      expect(relativeError(got.loss, want.loss), reduction).toBeLessThanOrEqual(1e-5);
      expect(relativeError(got.grad, want.grad), reduction).toBeLessThanOrEqual(1e-5);
      if (reduction === "none") expect(got.loss[5]).toBe(0); // ignored row
      expect(got.grad.slice(5 * classes, 6 * classes).every((v) => v === 0)).toBe(true);
    }
  });

  it("a target outside [0, V) is reported at the next read with the row and the range", async () => {
    const gpu = await sharedBackend();
    const loss = crossEntropy(tensor([0, 1, 2, 3, 4, 5], { shape: [2, 3], backend: gpu }), tensor([1, 7], { dtype: "i32", backend: gpu }), { reduction: "none" });
    await expect(loss.data()).rejects.toThrow(ShapeError);
    loss.dispose();
    const again = crossEntropy(tensor([0, 1, 2, 3, 4, 5], { shape: [2, 3], backend: gpu }), tensor([1, 7], { dtype: "i32", backend: gpu }), { reduction: "none" });
    await expect(again.data()).rejects.toThrow("SoftmaxCrossEntropy: target 7 at row 1 is out of range for 3 classes (valid: 0..2, or the ignoreIndex)");
    again.dispose();
  });

  it("AdamWStep updates param, m and v in place in every mode, masked and not, over three steps", async () => {
    const gpu = await sharedBackend();
    const n = 1000;
    const mask = randomValues(n, 9).map((v) => (v > 0 ? 1 : 0));
    const cases: [AdamWStepMode, boolean][] = [["textbook", false], ["decoupled", true], ["reference-int-not", true], ["gradient", true], ["sgd", true]];
    for (const [mode, masked] of cases) {
      const run = async (backend: Backend) => {
        const param = tensor(randomValues(n, 5), { backend });
        const m = tensor(new Float32Array(n), { backend });
        const v = tensor(new Float32Array(n), { backend });
        const maskT = masked ? tensor(mask, { dtype: "u8", backend }) : null;
        for (let step = 1; step <= 3; step++) {
          const grad = tensor(randomValues(n, 10 + step), { backend });
          adamwStep({ param, m, v, grad, mask: maskT }, { lr: 0.01, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, decay: 0.3, step, mode });
          grad.dispose();
        }
        const out = [await read(param), await read(m), await read(v)];
        for (const t of [param, m, v, maskT]) t?.dispose();
        return out;
      };
      const [want, got] = [await run(createCpuBackend()), await run(gpu)];
      for (const k of [0, 1, 2]) expect(relativeError(got[k], want[k]), `${mode} ${["param", "m", "v"][k]}`).toBeLessThanOrEqual(1e-5);
    }
  });
});
