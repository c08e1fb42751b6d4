import type { DType } from "@adaptive-sparse/core";

/** Largest rank a strided kernel indexes (after merging contiguous axes, see `collapse`). */
export const MAX_RANK = 6;

/** Element types on the GPU: f64 stays on the cpu backend. */
export type CudaDType = "f32" | "i32" | "u8";

export function cType(dtype: DType): string {
  switch (dtype) {
    case "f32":
      return "float";
    case "i32":
      return "int";
    case "u8":
      return "unsigned char";
    default:
      throw new Error(`backend-cuda: dtype ${dtype} is not supported on the GPU (use f32, i32 or u8; cast f64 on the cpu backend first)`);
  }
}

/**
 * Shared device code: the strided index struct (passed by value as ints) and block reductions. No headers:
 * NVRTC provides the math functions, and NaN/infinity come from bit patterns.
 */
export const PRELUDE = `
#define MAXR ${MAX_RANK}
struct Strided { int rank; int shape[MAXR]; int s[3][MAXR]; };
struct Red { int krank; int kshape[MAXR]; int kstride[MAXR]; int rrank; int rshape[MAXR]; int rstride[MAXR]; };
__device__ __forceinline__ float nanf_() { return __int_as_float(0x7fc00000); }
__device__ __forceinline__ float inff_() { return __int_as_float(0x7f800000); }
// Loops fully unrolled with a rank guard, so every struct index is a compile-time constant: a dynamically
// indexed by-value parameter would be copied to local memory by every thread (10x slower on an H200).
// Unsigned division, and none for the outermost axis (what is left of i is its coordinate): integer division
// costs about as much as the memory traffic of a simple elementwise kernel.
__device__ __forceinline__ void offsets3(const Strided& t, int index, int& o0, int& o1, int& o2) {
  unsigned int i = (unsigned int)index;
  o0 = 0; o1 = 0; o2 = 0;
#pragma unroll
  for (int d = MAXR - 1; d >= 1; d--) {
    if (d < t.rank) {
      unsigned int n = (unsigned int)t.shape[d]; int c = (int)(i % n); i /= n;
      o0 += c * t.s[0][d]; o1 += c * t.s[1][d]; o2 += c * t.s[2][d];
    }
  }
  o0 += (int)i * t.s[0][0]; o1 += (int)i * t.s[1][0]; o2 += (int)i * t.s[2][0];
}
__device__ __forceinline__ int offset1(int rank, const int* shape, const int* stride, int index) {
  unsigned int i = (unsigned int)index;
  int o = 0;
#pragma unroll
  for (int d = MAXR - 1; d >= 1; d--) {
    if (d < rank) { unsigned int n = (unsigned int)shape[d]; o += (int)(i % n) * stride[d]; i /= n; }
  }
  return o + (int)i * stride[0];
}
__device__ __forceinline__ double warpSum(double v) {
  for (int k = 16; k > 0; k >>= 1) v += __shfl_down_sync(0xffffffffu, v, k);
  return v;
}
__device__ __forceinline__ float warpMax(float v) {
  for (int k = 16; k > 0; k >>= 1) { float o = __shfl_down_sync(0xffffffffu, v, k); v = (o != o || v != v) ? nanf_() : fmaxf(v, o); }
  return v;
}
// Block-wide sum; every thread gets the result. scratch holds 32 doubles.
__device__ double blockSum(double v, double* scratch) {
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
  v = warpSum(v);
  __syncthreads();
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  v = threadIdx.x < warps ? scratch[threadIdx.x] : 0.0;
  if (warp == 0) v = warpSum(v);
  if (threadIdx.x == 0) scratch[0] = v;
  __syncthreads();
  return scratch[0];
}
__device__ float blockMax(float v, float* scratch) {
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
  v = warpMax(v);
  __syncthreads();
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  v = threadIdx.x < warps ? scratch[threadIdx.x] : -inff_();
  if (warp == 0) v = warpMax(v);
  if (threadIdx.x == 0) scratch[0] = v;
  __syncthreads();
  return scratch[0];
}
// Deferred errors: the first failing thread records (code, a, b, c); the host reads it at the next read or flush.
__device__ void reportError(int* err, int code, int a, int b, int c) {
  if (atomicCAS(err, 0, code) == 0) { err[1] = a; err[2] = b; err[3] = c; }
}
`;

/** A generated kernel: its source (one `extern "C"` kernel named `k`) and a readable name for logs and the cache. */
export interface KernelSource {
  readonly name: string;
  readonly source: string;
}

export function kernel(name: string, body: string): KernelSource {
  return { name, source: `${PRELUDE}\n${body}\n` };
}
