import { add, crossEntropy, gelu, matmul, memory, tensor, tidy } from "@adaptive-sparse/core";
import { AdamW } from "@adaptive-sparse/optim";
import { describe, expect, it } from "vitest";
import { createGpuJsBackend, modeUnavailable, type GpuJsBackend } from "./backend.js";
import { webgpuForTests } from "./test-webgpu.js";
import { randomValues } from "./test-values.js";

/** Steps before the counts are taken (kernels compile during the first ones). */
const WARMUP = 3;

/**
 * Trains a tiny MLP with AdamW for `steps` steps on `backend`. After the warm-up, live tensors and live
 * buffers must equal their baseline exactly after every step. Returns the first and last losses.
 */
async function trainMlp(backend: GpuJsBackend, steps: number): Promise<{ first: number; last: number }> {
  const param = (shape: number[], seed: number) => tensor(randomValues(shape[0] * (shape[1] ?? 1), seed).map((v) => v * 0.3), { shape, requiresGrad: true, backend });
  const [w1, b1, w2] = [param([32, 16], 1), param([32], 2), param([4, 32], 3)];
  const x = tensor(randomValues(8 * 16, 4), { shape: [8, 16], backend });
  const y = tensor([0, 1, 2, 3, 0, 1, 2, 3], { dtype: "i32", backend });
  const optimizer = new AdamW([w1, b1, w2], { lr: 1e-2, betas: [0.9, 0.95], weightDecay: 0.1 });
  const step = async () => {
    optimizer.zeroGrad();
    const loss = tidy(() => {
      const l = crossEntropy(matmul(gelu(add(matmul(x, w1, { transB: true }), b1)), w2, { transB: true }), y);
      l.backward();
      return l;
    });
    const value = (await loss.data())[0];
    loss.dispose();
    await optimizer.stepAsync(); // host update written back into each parameter's buffer
    return value;
  };
  const counts = () => ({ tensors: memory().tensors, live: backend.liveBuffers() });
  const first = await step();
  for (let i = 1; i < WARMUP; i++) await step();
  const baseline = counts();
  let last = first;
  for (let i = WARMUP; i < steps; i++) {
    last = await step();
    expect(counts()).toEqual(baseline);
  }
  [w1, b1, w2, x, y].forEach((t) => t.dispose());
  return { first, last };
}

describe("gpujs buffer accounting over an AdamW training loop", () => {
  it("300 webasm steps keep live tensors and buffers exactly flat", async () => {
    const backend = await createGpuJsBackend({ mode: "webasm" });
    const { first, last } = await trainMlp(backend, 300);
    expect(last).toBeLessThan(0.05 * first); // it trained, so every step ran
    expect(backend.stats().modesUsed).toEqual(["webasm"]);
    await backend.dispose();
  });

  it("50 webgpu-mode steps keep them flat too (skipped without an adapter)", async (context) => {
    const gpu = await webgpuForTests();
    const missing = gpu ? await modeUnavailable("webgpu", gpu) : "the webgpu package could not be loaded";
    if (missing && process.env.REQUIRE_DEVICE !== "1") context.skip(missing);
    const backend = await createGpuJsBackend({ mode: "webgpu", gpu: gpu! });
    const { first, last } = await trainMlp(backend, 50);
    expect(last).toBeLessThan(0.5 * first);
    expect(backend.stats().modesUsed).toEqual(["webgpu"]);
    await backend.dispose();
  });
});
