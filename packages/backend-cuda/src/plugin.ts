import type { BackendPlugin, Registry } from "@adaptive-sparse/core";
import { createCudaBackend, type CudaBackend, type CudaBackendOptions } from "./backend.js";
import { bindDriver } from "./driver.js";
import { loadKoffi, openLibraries } from "./koffi-loader.js";

// Core declares the backend kind from its own sources; its bundled .d.ts loses that augmentation, so restate it.
declare module "@adaptive-sparse/core" {
  interface PluginKinds {
    backend: BackendPlugin;
  }
}

let available: boolean | undefined;

/** Whether libcuda.so.1 loads and reports at least one device (asked once per process; needs no NVRTC or cuBLAS). */
export function isCudaAvailable(): boolean {
  if (available !== undefined) return available;
  try {
    const { driver } = openLibraries(["driver"]);
    available = bindDriver(loadKoffi()!, driver.lib, driver.path).deviceCount() > 0;
  } catch {
    available = false;
  }
  return available;
}

/** The registry entry of the cuda backend (kind `backend`, name `cuda`). */
export interface CudaBackendPlugin extends BackendPlugin {
  readonly description: string;
  create(options?: CudaBackendOptions): CudaBackend;
}

/**
 * Registry entry `backend/cuda`. Priority 30 puts it above webgpu (20), wasm (10) and cpu (0) when no backend
 * is named; `isAvailable` is false without libcuda.so.1 or without a device.
 */
export const cudaBackendPlugin: CudaBackendPlugin = {
  name: "cuda",
  apiVersion: 1,
  description: "NVIDIA GPUs through the CUDA driver API: NVRTC-compiled kernels and cuBLAS GEMMs, via koffi",
  priority: 30,
  isAvailable: isCudaAvailable,
  create: (options) => createCudaBackend(options),
};

/** Registers {@link cudaBackendPlugin} under kind `backend`, name `cuda`. */
export function registerCudaBackend(registry: Registry): void {
  registry.register("backend", cudaBackendPlugin.name, cudaBackendPlugin);
}
