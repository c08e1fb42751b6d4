import type { BackendPlugin, Registry } from "@adaptive-sparse/core";
import { createWebGpuBackend, type WebGpuBackend } from "./backend.js";
import { findGpu } from "./device.js";
import type { WebGpuBackendOptions } from "./options.js";

// Core declares the backend kind from its own sources; its bundled .d.ts loses that augmentation (a
// relative `declare module`), so restate it here (identical declarations merge).
declare module "@adaptive-sparse/core" {
  interface PluginKinds {
    backend: BackendPlugin;
  }
}

let available: Promise<boolean> | null = null;

/** Whether a WebGPU adapter can be obtained here (asked once per process). */
export function isWebGpuAvailable(): Promise<boolean> {
  available ??= findGpu()
    .then((gpu) => gpu.requestAdapter())
    .then((adapter) => adapter !== null)
    .catch(() => false);
  return available;
}

/** The registry entry of the webgpu backend (kind `backend`, name `webgpu`). */
export interface WebGpuBackendPlugin extends BackendPlugin {
  readonly description: string;
  create(options?: WebGpuBackendOptions): Promise<WebGpuBackend>;
}

/**
 * Registry entry `backend/webgpu`. Priority 20 puts it above wasm (10) and cpu (0) when no backend is named;
 * `isAvailable` asks for an adapter.
 */
export const webgpuBackendPlugin: WebGpuBackendPlugin = {
  name: "webgpu",
  apiVersion: 1,
  description: "WGSL compute kernels through WebGPU (navigator.gpu, or Dawn from the webgpu package in Node)",
  priority: 20,
  isAvailable: isWebGpuAvailable,
  create: (options) => createWebGpuBackend(options),
};

/** Registers {@link webgpuBackendPlugin} under kind `backend`, name `webgpu`. */
export function registerWebGpuBackend(registry: Registry): void {
  registry.register("backend", webgpuBackendPlugin.name, webgpuBackendPlugin);
}
