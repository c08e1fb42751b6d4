import type { BackendPlugin, Registry } from "@adaptive-sparse/core";
import { createGpuJsBackend, modeUnavailable, type GpuJsBackend } from "./backend.js";
import type { GpuJsBackendOptions } from "./options.js";

// Core declares the backend kind from its own sources; its bundled .d.ts loses that augmentation (a
// relative `declare module`), so restate it here (identical declarations merge).
declare module "@adaptive-sparse/core" {
  interface PluginKinds {
    backend: BackendPlugin;
  }
}

/** The registry entry of the gpu.js backend (kind `backend`, name `gpujs`). */
export interface GpuJsBackendPlugin extends BackendPlugin {
  readonly description: string;
  create(options?: GpuJsBackendOptions): Promise<GpuJsBackend>;
}

/**
 * Registry entry `backend/gpujs` (priority 5: above cpu, below wasm and webgpu; it is the portable fallback
 * for browsers without WebGPU). Available wherever its default `webasm` mode is.
 */
export const gpujsBackendPlugin: GpuJsBackendPlugin = {
  name: "gpujs",
  apiVersion: 1,
  description: "core ops as gpu.js kernels (webasm, cpu, webgpu, webgl modes), cpu kernels where gpu.js cannot express an op",
  priority: 5,
  isAvailable: async () => (await modeUnavailable("webasm")) === null,
  create: (options) => createGpuJsBackend(options),
};

/** Registers {@link gpujsBackendPlugin} under kind `backend`, name `gpujs`. */
export function registerGpuJsBackend(registry: Registry): void {
  registry.register("backend", gpujsBackendPlugin.name, gpujsBackendPlugin);
}
