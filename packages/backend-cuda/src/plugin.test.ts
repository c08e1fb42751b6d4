import { createRegistry } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { cudaBackendPlugin, isCudaAvailable, registerCudaBackend } from "./plugin.js";
import { hasCudaDriver } from "./koffi-loader.js";

describe("cuda backend plugin", () => {
  it("registers as backend \"cuda\" above webgpu, wasm and cpu", () => {
    const registry = createRegistry();
    registerCudaBackend(registry);
    expect(registry.get("backend", "cuda")).toBe(cudaBackendPlugin);
    expect(cudaBackendPlugin).toMatchObject({ name: "cuda", apiVersion: 1, priority: 30 });
  });

  it("is available exactly when the CUDA driver loads and reports a device", () => {
    if (!hasCudaDriver()) {
      console.log("cuda plugin: no libcuda.so.1 here, so isAvailable() must be false");
      expect(isCudaAvailable()).toBe(false);
    } else expect(typeof isCudaAvailable()).toBe("boolean");
  });
});
