import { BackendError, ConfigError, createRegistry, DTypeError, expand, gather, groupTopK, mul, NonFiniteError, ShapeError, tensor, zeros } from "@adaptive-sparse/core";
import { beforeAll, describe, expect, it } from "vitest";
import { createWebGpuBackend, type WebGpuBackend } from "./backend.js";
import type { WebGpuHandle } from "./handle.js";
import { registerWebGpuBackend, webgpuBackendPlugin } from "./plugin.js";
import { hasAdapter, sharedBackend } from "./test-device.js";

describe("webgpu backend setup errors", () => {
  it("says which driver to install when no adapter is found", async () => {
    const gpu = { requestAdapter: async () => null } as unknown as GPU;
    const error = await createWebGpuBackend({ gpu }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toMatch(/no WebGPU adapter found.*mesa-vulkan-drivers/);
  });

  it("rejects unknown options, listing the valid keys", async () => {
    await expect(createWebGpuBackend({ powerPrefrence: "low-power" } as never)).rejects.toThrow(ConfigError);
    await expect(createWebGpuBackend({ powerPrefrence: "low-power" } as never)).rejects.toThrow(/valid keys are device, powerPreference, gpu, maxPooledBytes, profile, robustness, precision/);
    await expect(createWebGpuBackend({ powerPreference: "fast" } as never)).rejects.toThrow(/low-power, high-performance/);
  });

  it("registers as backend/webgpu with priority 20", () => {
    const registry = createRegistry();
    registerWebGpuBackend(registry);
    expect(registry.get("backend", "webgpu")).toBe(webgpuBackendPlugin);
    expect(webgpuBackendPlugin.priority).toBe(20);
  });
});

describe.runIf(await hasAdapter())("webgpu backend resources", () => {
  let gpu: WebGpuBackend;
  beforeAll(async () => {
    gpu = await sharedBackend();
  });

  it("reports itself available and supports f32, i32, u8 only", async () => {
    expect(await webgpuBackendPlugin.isAvailable()).toBe(true);
    expect(gpu.capabilities.dtypes).toEqual(["f32", "i32", "u8"]);
    expect(gpu.capabilities.syncRead).toBe(false);
    expect(() => tensor([1, 2], { dtype: "f64", backend: gpu })).toThrow(DTypeError);
    expect(() => tensor([1, 2], { backend: gpu }).dataSync()).toThrow(/use await tensor.data\(\)/);
  });

  it("names the op, tensor shape and device limit when a tensor is too large for one binding", () => {
    const limit = gpu.device.limits.maxStorageBufferBindingSize;
    const columns = Math.floor(limit / 4 / 1024) + 1;
    const x = tensor([1], { backend: gpu });
    const before = gpu.liveBuffers();
    expect(() => expand(x, [1024, columns])).toThrow(BackendError);
    expect(() => expand(x, [1024, columns])).toThrow(
      new RegExp(`Expand: output \\[1024, ${columns}\\] f32 needs .* MiB, more than this device's maxStorageBufferBindingSize of .* MiB`),
    );
    // runOp allocated the two outputs before the kernels threw; nothing else leaked.
    expect(gpu.liveBuffers()).toBe(before + 2);
    x.dispose();
  });

  it("reports out-of-range Gather indices and NaN GroupTopK scores at the next read", async () => {
    const table = tensor([[1, 2], [3, 4]], { backend: gpu });
    const bad = tensor([0, 2], { dtype: "i32", backend: gpu });
    const rows = gather(table, bad);
    await expect(rows.data()).rejects.toThrow(ShapeError);
    await expect(rows.data()).resolves.toEqual(new Float32Array([1, 2, 0, 0]));
    const scores = tensor([1, NaN, 3, 4], { backend: gpu });
    const mask = groupTopK(scores, 2, 4);
    await expect(gpu.flush()).rejects.toThrow(NonFiniteError);
    await expect(gpu.flush()).resolves.toBeUndefined();
    [table, bad, rows, scores, mask].forEach((t) => t.dispose());
  });

  it("a write waits for queued kernels that read the old contents", async () => {
    const x = tensor([1, 2, 3], { backend: gpu });
    const y = mul(x, 2); // queued, not yet submitted
    gpu.write(x.storage.handle as WebGpuHandle, new Float32Array([10, 20, 30]));
    expect(Array.from(await y.data())).toEqual([2, 4, 6]);
    expect(Array.from(await x.data())).toEqual([10, 20, 30]);
    x.dispose();
    y.dispose();
  });

  it("recycled buffers read as zeros until written", async () => {
    const x = tensor([7, 7, 7, 7], { backend: gpu });
    await x.data();
    x.dispose();
    const handle = gpu.alloc("f32", 4);
    expect(Array.from(await gpu.read(handle, "f32", 4))).toEqual([0, 0, 0, 0]);
    gpu.free(handle);
    const z = zeros([4], { backend: gpu });
    expect(Array.from(await mul(z, 1).data())).toEqual([0, 0, 0, 0]);
    z.dispose();
  });

  it("turns a lost device into a clear error", async () => {
    const own = await createWebGpuBackend();
    const x = tensor([1, 2], { backend: own });
    expect(Array.from(await x.data())).toEqual([1, 2]);
    own.device.destroy();
    await own.device.lost;
    await expect(x.data()).rejects.toThrow(/GPU device was lost \(destroyed.*create a new backend with createWebGpuBackend\(\)/);
    expect(() => mul(x, 2)).toThrow(BackendError);
    own.dispose();
    expect(() => tensor([1], { backend: own })).toThrow(/after dispose\(\)/);
  });
});
