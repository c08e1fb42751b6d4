/**
 * @adaptive-sparse/backend-cuda: NVIDIA GPUs from Node through koffi: the CUDA driver API, kernels generated as
 * CUDA C and compiled by NVRTC (cached on disk), and cuBLAS GEMMs. No compile step on install.
 */
export { createCudaBackend } from "./backend.js";
export type { CudaBackend, CudaBackendOptions, CudaStats } from "./backend.js";
export type { Precision } from "./ops/matmul-op.js";
export type { CudaHandle } from "./handle.js";
export { cudaBackendPlugin, registerCudaBackend, isCudaAvailable } from "./plugin.js";
export type { CudaBackendPlugin } from "./plugin.js";
export { CUDA_LIBRARIES_ENV, CUDA_LIBRARIES } from "./libraries.js";
export { CudaLibraryError, openLibraries } from "./koffi-loader.js";
export { CudaError } from "./driver.js";
export { NvrtcError, CUDA_CACHE_ENV } from "./nvrtc.js";
export { CublasError } from "./cublas.js";
export { CudaOutOfMemoryError, sizeClass } from "./allocator.js";
