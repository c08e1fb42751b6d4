import { ConfigError } from "@adaptive-sparse/core";

/** gpu.js execution modes this backend can drive. */
export const GPUJS_MODES = ["webgpu", "webgl", "webgl2", "cpu", "webasm"] as const;
export type GpuJsMode = (typeof GPUJS_MODES)[number];

/** A WebGPU entry point (`navigator.gpu`); typed structurally so this package needs no WebGPU typings. */
export interface WebGpuEntryPoint {
  requestAdapter(options?: unknown): Promise<unknown>;
}

/** Options of {@link createGpuJsBackend}. */
export interface GpuJsBackendOptions {
  /** gpu.js mode (default `webasm`: WebAssembly SIMD, available everywhere). */
  mode?: GpuJsMode;
  /**
   * For `webgpu` in Node: the WebGPU entry point to expose as `navigator.gpu` (gpu.js looks only there),
   * e.g. `create([])` from the `webgpu` package.
   */
  gpu?: WebGpuEntryPoint;
}

const VALID_KEYS = ["mode", "gpu"];

/** Checks options by hand (this package has no zod dependency); errors list the valid keys and modes. */
export function checkOptions(options: unknown): Required<Pick<GpuJsBackendOptions, "mode">> & GpuJsBackendOptions {
  const where = "createGpuJsBackend";
  if (options === undefined) return { mode: "webasm" };
  if (typeof options !== "object" || options === null) throw new ConfigError(`${where}: options must be an object with keys ${VALID_KEYS.join(", ")}`);
  const record = options as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !VALID_KEYS.includes(key));
  if (unknown.length) throw new ConfigError(`${where}: unknown option(s) ${unknown.join(", ")}; valid keys are ${VALID_KEYS.join(", ")}`);
  const mode = record.mode ?? "webasm";
  if (!GPUJS_MODES.includes(mode as GpuJsMode)) throw new ConfigError(`${where}: mode must be one of ${GPUJS_MODES.join(", ")}, got ${JSON.stringify(mode)}`);
  if (record.gpu !== undefined && (typeof record.gpu !== "object" || record.gpu === null)) throw new ConfigError(`${where}: gpu must be a GPU object (navigator.gpu)`);
  return { ...(record as GpuJsBackendOptions), mode: mode as GpuJsMode };
}
