/**
 * @adaptive-sparse/backend-webgpu: WGSL compute kernels for every core primitive, run through WebGPU
 * (`navigator.gpu` in browsers, Dawn from the `webgpu` package in Node).
 */
export { createWebGpuBackend } from "./backend.js";
export type { WebGpuBackend, WebGpuStats } from "./backend.js";
export type { WebGpuBackendOptions } from "./options.js";
export type { WebGpuHandle } from "./handle.js";
export { webgpuBackendPlugin, registerWebGpuBackend, isWebGpuAvailable } from "./plugin.js";
export type { WebGpuBackendPlugin } from "./plugin.js";
export { byOp, formatProfile, rowsOf } from "./profiler.js";
export type { ProfileReport, ProfileRow, WebGpuProfiler } from "./profiler.js";
