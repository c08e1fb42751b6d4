/**
 * @adaptive-sparse/backend-wasm: a fast CPU backend. WebAssembly SIMD kernels (a packed, cache-blocked
 * GEMM and 2:4 sparse GEMV/GEMM) on a worker pool over shared memory, and an optional system BLAS GEMM
 * through koffi. Nothing registers on import.
 */
export { createWasmBackend } from "./backend.js";
export type { WasmBackend } from "./backend.js";
export { wasmBackendPlugin, registerWasmBackend } from "./plugin.js";
export type { WasmBackendPlugin } from "./plugin.js";
export { wasmBackendOptionsSchema } from "./options.js";
export type { WasmBackendOptions } from "./options.js";
export { BLAS_LIBRARIES_ENV, blasCandidates, GEMM_ENV, gemmModeFromEnvironment, type BlasCandidates } from "./gemm-path.js";
export type { GemmMode } from "./gemm-path.js";
export { defaultBlasCandidates } from "./blas/blas-library.js";
export { enableRelaxedSimdInNode, relaxedSimdSupported } from "./wasm/kernel-module.js";
export type { GemmDims } from "./kernels/wasm-gemm.js";
export { sparseMatMul24 } from "./sparse24/sparse-matmul24.js";
export type { Compressed24Weight } from "./sparse24/compressed24.js";
export { WasmMemoryError, BlasUnavailableError, WasmKernelError } from "./errors.js";
export type { KernelTrap } from "./errors.js";
