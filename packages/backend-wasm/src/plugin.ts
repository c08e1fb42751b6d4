import { validateOptions, type BackendPlugin, type Registry } from "@adaptive-sparse/core";
import { createWasmBackend, type WasmBackend } from "./backend.js";
import { kernelModule } from "./wasm/kernel-module.js";
import { wasmBackendOptionsSchema, type WasmBackendOptions } from "./options.js";

// Core declares the backend kind from its own sources; its bundled .d.ts loses that augmentation (a
// relative `declare module`), so restate it here (identical declarations merge).
declare module "@adaptive-sparse/core" {
  interface PluginKinds {
    backend: BackendPlugin;
  }
}

/** The registry entry of the wasm backend (kind `backend`, name `wasm`). */
export interface WasmBackendPlugin extends BackendPlugin {
  readonly description: string;
  readonly options: typeof wasmBackendOptionsSchema;
  create(options?: WasmBackendOptions): Promise<WasmBackend>;
}

/**
 * Registry entry for the wasm backend. Priority 10 puts it above `cpu` (0) when no backend is named;
 * `isAvailable` is false where WebAssembly SIMD is missing (the module fails to compile).
 */
export const wasmBackendPlugin: WasmBackendPlugin = {
  name: "wasm",
  apiVersion: 1,
  description: "WebAssembly SIMD kernels (packed GEMM, 2:4 sparse GEMV/GEMM) on a worker pool, with an optional system BLAS GEMM",
  priority: 10,
  options: wasmBackendOptionsSchema,
  isAvailable: () => kernelModule({ shared: false, relaxed: false }).then(() => true, () => false),
  create: (options = {}) => createWasmBackend(validateOptions('backend "wasm"', wasmBackendOptionsSchema, options)),
};

/**
 * Registers {@link wasmBackendPlugin} as backend "wasm" (nothing registers on import).
 * @throws DuplicatePluginError when a backend named "wasm" is already registered.
 * @example
 * const registry = createRegistry();
 * registerWasmBackend(registry);
 * const backend = await registry.get("backend", "wasm").create();
 */
export function registerWasmBackend(registry: Registry): void {
  registry.register("backend", "wasm", wasmBackendPlugin);
}
