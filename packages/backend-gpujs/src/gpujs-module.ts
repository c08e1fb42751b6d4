import { createRequire } from "node:module";

/** The part of a gpu.js kernel this backend uses (`kernel.kernel` is the backend-specific instance). */
export interface GpuJsKernel {
  (...args: unknown[]): ArrayLike<number> | Promise<ArrayLike<number>>;
  setOutput(output: number[]): GpuJsKernel;
  kernel?: { constructor: { mode?: string }; fallbackReason?: string | null };
  destroy?(): void;
}

export interface GpuJsInstance {
  createKernel(source: string, settings: Record<string, unknown>): GpuJsKernel;
  destroy(): void | Promise<void>;
}

/** The `GPU` class and its static feature checks. */
export interface GpuJsModule {
  GPU: {
    new (settings: { mode: string }): GpuJsInstance;
    readonly isWebGLSupported: boolean;
    readonly isWebGL2Supported: boolean;
    readonly isWebGPUSupported: boolean;
    readonly isWebAssemblySupported: boolean;
    isWebGPUAvailable(): Promise<boolean>;
  };
}

let loaded: GpuJsModule | null = null;

/** gpu.js is CommonJS: load it with `createRequire` (an ESM `import` would go through its `browser` build). */
export function loadGpuJs(): GpuJsModule {
  loaded ??= createRequire(import.meta.url)("gpu.js") as GpuJsModule;
  return loaded;
}
