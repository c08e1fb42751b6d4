import { add, crossEntropy, gelu, getDefaultBackend, matmul, memory, setDefaultBackend, tensor, tidy, type Backend, type Tensor } from "@adaptive-sparse/core";
import { GPT } from "@adaptive-sparse/nn";
import { AdamW } from "@adaptive-sparse/optim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WebGpuBackend } from "./backend.js";
import { hasAdapter, randomValues, sharedBackend } from "./test-device.js";

/** Steps before the counts are taken: the buffer pool fills and pipelines compile during the first ones. */
const WARMUP = 5;

/**
 * Runs `steps` training steps; after the warm-up, live tensors, live tensor buffers and existing GPUBuffers
 * must equal their baseline exactly after every step (one leaked buffer per step shows at once).
 * Returns the first and last losses.
 */
async function trainWithFlatCounts(gpu: WebGpuBackend, steps: number, step: () => Promise<number>): Promise<{ first: number; last: number }> {
  const counts = () => ({ tensors: memory().tensors, live: gpu.liveBuffers(), gpuBuffers: gpu.stats().gpuBuffers });
  const first = await step();
  for (let i = 1; i < WARMUP; i++) await step();
  const baseline = counts();
  let last = first;
  for (let i = WARMUP; i < steps; i++) {
    last = await step();
    expect(counts()).toEqual(baseline);
  }
  return { first, last };
}

/** One step: zero the gradients, forward + backward inside tidy, read the loss, AdamW update. */
function trainingStep(optimizer: AdamW, lossOf: () => Tensor): () => Promise<number> {
  return async () => {
    optimizer.zeroGrad();
    const loss = tidy(() => {
      const l = lossOf();
      l.backward();
      return l;
    });
    const value = (await loss.data())[0];
    loss.dispose();
    await optimizer.stepAsync(); // reads parameters and gradients, writes into each parameter's own buffer
    return value;
  };
}

describe.runIf(await hasAdapter())("webgpu buffer accounting over a training loop", () => {
  let gpu: WebGpuBackend;
  let previous: Backend;
  beforeAll(async () => {
    gpu = await sharedBackend();
    previous = getDefaultBackend();
    setDefaultBackend(gpu); // GPT creates its parameters on the default backend
  });
  afterAll(() => setDefaultBackend(previous));

  // 10-20 ms a step on lavapipe (2 shared cores): the model is tiny so that 1,000 steps take 10-20 s.
  it("1,000 MLP forward+backward+AdamW steps leave live tensors, live buffers and GPU buffers exactly flat", async () => {
    const param = (shape: number[], seed: number) => tensor(randomValues(shape[0] * (shape[1] ?? 1), seed).map((v) => v * 0.3), { shape, requiresGrad: true });
    const [w1, b1, w2] = [param([32, 16], 1), param([32], 2), param([4, 32], 3)];
    const x = tensor(randomValues(8 * 16, 4), { shape: [8, 16] });
    const y = tensor([0, 1, 2, 3, 0, 1, 2, 3], { dtype: "i32" });
    const optimizer = new AdamW([w1, b1, w2], { lr: 1e-2, betas: [0.9, 0.95], weightDecay: 0.1 });
    const lossOf = () => crossEntropy(matmul(gelu(add(matmul(x, w1, { transB: true }), b1)), w2, { transB: true }), y);
    const { first, last } = await trainWithFlatCounts(gpu, 1000, trainingStep(optimizer, lossOf));
    expect(last).toBeLessThan(0.01 * first); // it did train, so every step really ran
    [w1, b1, w2, x, y].forEach((t) => t.dispose());
  });

  // A GPT step adds the op families the MLP lacks (gather/scatter-add, LayerNorm, causal attention, tied
  // head) but costs 40-80 ms on lavapipe, so fewer steps.
  it("100 GPT training steps leave the counts exactly flat too", async () => {
    const model = new GPT({ nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: 16 });
    const optimizer = new AdamW(model.parameters(), { lr: 1e-2, betas: [0.9, 0.95], weightDecay: 0.1 });
    const ids = Array.from({ length: 16 }, (_, i) => (i * 3) % 16);
    const idx = tensor(ids, { shape: [2, 8], dtype: "i32" });
    const targets = tensor(ids.map((v) => (v + 1) % 16), { shape: [2, 8], dtype: "i32" }); // learnable: next = id + 1
    const { first, last } = await trainWithFlatCounts(gpu, 100, trainingStep(optimizer, () => model.forward(idx, targets).loss!));
    expect(first).toBeCloseTo(Math.log(16), 0); // untrained: near uniform over 16 tokens
    expect(last).toBeLessThan(0.2 * first);
    [...model.parameters(), idx, targets].forEach((t) => t.dispose());
  });
});
