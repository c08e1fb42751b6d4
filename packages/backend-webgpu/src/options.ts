import { ConfigError } from "@adaptive-sparse/core";

/** Options of {@link createWebGpuBackend}. */
export interface WebGpuBackendOptions {
  /** Run on this device instead of requesting one; the backend then never destroys it. */
  device?: GPUDevice;
  /** Adapter hint when the backend requests its own device. */
  powerPreference?: GPUPowerPreference;
  /** The WebGPU entry point (default: `navigator.gpu`, or Dawn through the `webgpu` package in Node). */
  gpu?: GPU;
  /**
   * Bytes of idle buffers kept for reuse; the rest are destroyed when freed. Default: the step's high-water
   * mark (1.25× the peak bytes of live tensors, at least 256 MiB), so a training step reuses every buffer.
   */
  maxPooledBytes?: number;
  /**
   * Record GPU time per kernel label (timestamp queries, where the adapter offers `timestamp-query`) and host
   * counters; read them with `backend.profiler.report()`. Costs a compute pass per dispatch while enabled.
   */
  profile?: boolean;
  /**
   * `false` starts Dawn (Node) without its robustness transform, which clamps every array index in every kernel,
   * and without zero-filling workgroup memory: faster kernels, but an out-of-range access would read or write
   * other memory instead of a clamped element. This backend's kernels check their own bounds. Default true;
   * ignored where the device comes from `navigator.gpu` or the `device`/`gpu` options.
   */
  robustness?: boolean;
  /**
   * GEMM precision: "f32" (default, parity with cpu) or "f16": operands rounded to f16 in the GEMM's shared tiles
   * (half the shared memory and its traffic), products accumulated and written in f32. Needs the adapter feature
   * `shader-f16` (lavapipe, Apple, many Vulkan drivers; not NVIDIA through Dawn's Vulkan backend as of Dawn 0.6.2).
   */
  precision?: "f32" | "f16";
}

const VALID_KEYS = ["device", "powerPreference", "gpu", "maxPooledBytes", "profile", "robustness", "precision"];
const PRECISIONS = ["f32", "f16"];
const POWER = ["low-power", "high-performance"];

/** Checks options by hand (this package has no zod dependency); errors list the valid keys and values. */
export function checkOptions(options: unknown): WebGpuBackendOptions {
  const where = "createWebGpuBackend";
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null) throw new ConfigError(`${where}: options must be an object with keys ${VALID_KEYS.join(", ")}`);
  const record = options as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !VALID_KEYS.includes(key));
  if (unknown.length) throw new ConfigError(`${where}: unknown option(s) ${unknown.join(", ")}; valid keys are ${VALID_KEYS.join(", ")}`);
  if (record.powerPreference !== undefined && !POWER.includes(record.powerPreference as string)) {
    throw new ConfigError(`${where}: powerPreference must be one of ${POWER.join(", ")}, got ${JSON.stringify(record.powerPreference)}`);
  }
  if (record.precision !== undefined && !PRECISIONS.includes(record.precision as string)) {
    throw new ConfigError(`${where}: precision must be "f32" (default) or "f16", got ${JSON.stringify(record.precision)}`);
  }
  const pooled = record.maxPooledBytes;
  if (pooled !== undefined && (typeof pooled !== "number" || !Number.isFinite(pooled) || pooled < 0)) {
    throw new ConfigError(`${where}: maxPooledBytes must be a non-negative number of bytes, got ${JSON.stringify(pooled)}`);
  }
  for (const key of ["profile", "robustness"]) {
    if (record[key] !== undefined && typeof record[key] !== "boolean") throw new ConfigError(`${where}: ${key} must be true or false, got ${JSON.stringify(record[key])}`);
  }
  for (const key of ["device", "gpu"]) {
    if (record[key] !== undefined && (typeof record[key] !== "object" || record[key] === null)) {
      throw new ConfigError(`${where}: ${key} must be a ${key === "gpu" ? "GPU (navigator.gpu)" : "GPUDevice"} object`);
    }
  }
  return record as WebGpuBackendOptions;
}
