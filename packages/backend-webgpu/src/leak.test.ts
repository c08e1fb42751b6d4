import { add, crossEntropy, gelu, matmul, memory, tensor, tidy, type Tensor } from "@adaptive-sparse/core";
import { beforeAll, describe, expect, it } from "vitest";
import type { WebGpuBackend } from "./backend.js";
import type { WebGpuHandle } from "./handle.js";
import { hasAdapter, randomValues, sharedBackend } from "./test-device.js";

describe.runIf(await hasAdapter())("webgpu buffer accounting over a training loop", () => {
  let gpu: WebGpuBackend;
  beforeAll(async () => {
    gpu = await sharedBackend();
  });

  it("200 forward+backward+update steps leave live tensors, live buffers and GPU buffers flat", async () => {
    const param = (shape: number[], seed: number) => tensor(randomValues(shape[0] * (shape[1] ?? 1), seed).map((v) => v * 0.3), { shape, backend: gpu, requiresGrad: true });
    const params = [param([32, 16], 1), param([32], 2), param([4, 32], 3)];
    const x = tensor(randomValues(8 * 16, 4), { shape: [8, 16], backend: gpu });
    const y = tensor([0, 1, 2, 3, 0, 1, 2, 3], { dtype: "i32", backend: gpu });
    const step = async (): Promise<number> => {
      const loss = tidy(() => {
        const [w1, b1, w2] = params;
        const hidden = gelu(add(matmul(x, w1, { transB: true }), b1));
        const l = crossEntropy(matmul(hidden, w2, { transB: true }), y);
        l.backward();
        return l;
      });
      const value = (await loss.data())[0];
      loss.dispose();
      // Plain SGD on the host, written back into each parameter's own buffer (what optim does on GPU backends).
      for (const p of params) {
        const [w, g] = await Promise.all([p.data(), p.grad!.data()]);
        gpu.write(p.storage.handle as WebGpuHandle, (w as Float32Array).map((v, i) => v - 0.5 * g[i]));
        p.zeroGrad();
      }
      return value;
    };
    const first = await step();
    const baseline = { tensors: memory().tensors, live: gpu.liveBuffers() };
    let gpuBuffersAfterWarmup = 0;
    let last = first;
    for (let i = 1; i < 200; i++) {
      last = await step();
      expect(memory().tensors).toBe(baseline.tensors);
      expect(gpu.liveBuffers()).toBe(baseline.live);
      if (i === 10) gpuBuffersAfterWarmup = gpu.stats().gpuBuffers;
    }
    expect(gpu.stats().gpuBuffers).toBe(gpuBuffersAfterWarmup);
    expect(last).toBeLessThan(first * 0.5);
    [...params, x, y].forEach((t: Tensor) => t.dispose());
  });
});
