import { BackendError, ConfigError, createRegistry, DTypeError, gather, mul, ShapeError, tensor, tidy, add, memory } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { createGpuJsBackend, modeUnavailable } from "./backend.js";
import { gpujsBackendPlugin, registerGpuJsBackend } from "./plugin.js";
import { webgpuForTests } from "./test-webgpu.js";

describe("gpujs backend setup", () => {
  it("explains why the WebGL modes are unavailable in Node", async () => {
    await expect(createGpuJsBackend({ mode: "webgl2" })).rejects.toThrow(BackendError);
    await expect(createGpuJsBackend({ mode: "webgl" })).rejects.toThrow(/optional `gl` \(headless-gl\) package/);
  });

  it("rejects unknown options and modes, and f64", async () => {
    await expect(createGpuJsBackend({ mdoe: "cpu" } as never)).rejects.toThrow(ConfigError);
    await expect(createGpuJsBackend({ mode: "gpu" } as never)).rejects.toThrow(/webgpu, webgl, webgl2, cpu, webasm/);
    const backend = await createGpuJsBackend({ mode: "cpu" });
    expect(() => tensor([1], { dtype: "f64", backend })).toThrow(DTypeError);
  });

  it("registers as backend/gpujs with priority 5", async () => {
    const registry = createRegistry();
    registerGpuJsBackend(registry);
    const plugin = registry.get("backend", "gpujs");
    expect(plugin).toBe(gpujsBackendPlugin);
    expect(plugin.priority).toBe(5);
    expect(await plugin.isAvailable()).toBe(true);
    expect((await plugin.create()).name).toBe("gpujs");
  });

  it("keeps buffer counts flat over repeated steps", async () => {
    const backend = await createGpuJsBackend({ mode: "webasm" });
    const x = tensor([[1, 2], [3, 4]], { backend, requiresGrad: true });
    const before = { live: backend.liveBuffers(), tensors: memory().tensors };
    for (let i = 0; i < 20; i++) {
      const loss = tidy(() => {
        const l = mul(add(x, 1), x).sum();
        l.backward();
        return l;
      });
      expect((await loss.data())[0]).toBe(40);
      loss.dispose();
      x.zeroGrad();
      expect(backend.liveBuffers()).toBe(before.live);
      expect(memory().tensors).toBe(before.tensors);
    }
  });
});

const gpu = await webgpuForTests();
const webgpuMissing = gpu ? await modeUnavailable("webgpu", gpu) : "the webgpu package could not be loaded";
if (webgpuMissing && process.env.REQUIRE_DEVICE !== "1") console.log(`gpujs webgpu-mode tests skipped: ${webgpuMissing}`);

describe.skipIf(webgpuMissing !== null && process.env.REQUIRE_DEVICE !== "1")("gpujs webgpu mode", () => {
  it("queues kernels, reads asynchronously and reports kernel errors at the next read", async () => {
    const backend = await createGpuJsBackend({ mode: "webgpu", gpu: gpu! });
    expect(backend.capabilities.syncRead).toBe(false);
    expect(backend.readSync).toBeUndefined();
    const x = tensor([1, -2, 3], { backend });
    expect(Array.from(await mul(x, x).data())).toEqual([1, 4, 9]);
    const bad = gather(tensor([[1], [2]], { backend }), tensor([5], { dtype: "i32", backend }));
    await expect(bad.data()).rejects.toThrow(ShapeError);
    expect(Array.from(await x.data())).toEqual([1, -2, 3]);
    expect(backend.stats().modesUsed).toEqual(["webgpu"]);
    await backend.dispose();
  });
});
