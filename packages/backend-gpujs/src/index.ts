/**
 * @adaptive-sparse/backend-gpujs: core primitives as gpu.js kernels (webasm, cpu, webgpu, webgl modes), with
 * core's cpu kernels for what gpu.js cannot express.
 */
export { createGpuJsBackend, modeUnavailable } from "./backend.js";
export type { GpuJsBackend } from "./backend.js";
export { GPUJS_MODES } from "./options.js";
export type { GpuJsBackendOptions, GpuJsMode, WebGpuEntryPoint } from "./options.js";
export type { RouteCounts } from "./kernel-table.js";
export { gpujsBackendPlugin, registerGpuJsBackend } from "./plugin.js";
export type { GpuJsBackendPlugin } from "./plugin.js";
