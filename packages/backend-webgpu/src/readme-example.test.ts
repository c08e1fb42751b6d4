import { createRegistry, crossEntropy, matmul, tensor, tidy } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { createWebGpuBackend } from "./backend.js";
import { registerWebGpuBackend } from "./plugin.js";
import { hasAdapter } from "./test-device.js";

describe.runIf(await hasAdapter())("README examples", () => {
  it("trains through the backend and reads asynchronously", async () => {
    const backend = await createWebGpuBackend();
    expect(backend.adapter.length).toBeGreaterThan(0);
    const w = tensor([[0.1, -0.2], [0.3, 0.4], [0, 1]], { backend, requiresGrad: true });
    const x = tensor([[1, 2], [3, 4]], { backend });
    const y = tensor([0, 2], { dtype: "i32", backend });
    const loss = tidy(() => {
      const l = crossEntropy(matmul(x, w, { transB: true }), y);
      l.backward();
      return l;
    });
    // logits [[-0.3, 1.1, 2], [-0.5, 2.5, 4]]: the mean of their cross entropies for classes 0 and 2.
    const lse = (row: number[]) => Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
    const expected = (lse([-0.3, 1.1, 2]) + 0.3 + lse([-0.5, 2.5, 4]) - 4) / 2;
    expect((await loss.data())[0]).toBeCloseTo(expected, 5);
    expect((await w.grad!.data()).length).toBe(6);
    backend.dispose();
  });

  it("registers and creates through the registry", async () => {
    const registry = createRegistry();
    registerWebGpuBackend(registry);
    const plugin = registry.get("backend", "webgpu");
    expect(await plugin.isAvailable()).toBe(true);
    const backend = await plugin.create();
    expect(backend.name).toBe("webgpu");
    (backend as unknown as { dispose(): void }).dispose();
  });
});
