import type { DType } from "@adaptive-sparse/core";
import { cType, kernel, type KernelSource } from "./common.js";

/** out[i, :] = table[idx[i], :]; an index outside [0, rows) writes zeros and records error 1 (index, position, rows). */
export function gatherSource(dtype: DType): KernelSource {
  const t = cType(dtype);
  return kernel(`gather_${dtype}`, `
extern "C" __global__ void k(${t}* __restrict__ o, const ${t}* __restrict__ table, const int* __restrict__ idx, int count, int width, int rows, int* err) {
  long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= (long long)count * width) return;
  int row = (int)(i / width), col = (int)(i % width);
  int r = idx[row];
  if (r < 0 || r >= rows) { if (col == 0) reportError(err, 1, r, row, rows); o[i] = (${t})0; return; }
  o[i] = table[(long long)r * width + col];
}`);
}

/** out[idx[i], :] += src[i, :] with atomics (out starts zero-filled); bad indices record error 2. */
export function scatterAddSource(dtype: DType): KernelSource {
  const t = cType(dtype);
  return kernel(`scatter_add_${dtype}`, `
extern "C" __global__ void k(${t}* __restrict__ o, const ${t}* __restrict__ src, const int* __restrict__ idx, int count, int width, int rows, int* err) {
  long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= (long long)count * width) return;
  int row = (int)(i / width), col = (int)(i % width);
  int r = idx[row];
  if (r < 0 || r >= rows) { if (col == 0) reportError(err, 2, r, row, rows); return; }
  atomicAdd(o + (long long)r * width + col, src[i]);
}`);
}

/**
 * Keep mask of the n largest in each group of m along the last axis: order by (score asc, index asc) and
 * prune the first m − n. One thread per group; a NaN score records error 3 (flat index of the score).
 */
export function groupTopKSource(dtype: DType, m: number): KernelSource {
  const t = cType(dtype);
  return kernel(`group_top_k_${dtype}_m${m}`, `
extern "C" __global__ void k(unsigned char* __restrict__ o, const ${t}* __restrict__ s, int groups, int n, int* err) {
  int g = blockIdx.x * blockDim.x + threadIdx.x;
  if (g >= groups) return;
  const ${t}* x = s + (long long)g * ${m};
  int order[${m}];
  for (int i = 0; i < ${m}; i++) {
    order[i] = i;
    if (x[i] != x[i]) reportError(err, 3, g * ${m} + i, 0, 0);
  }
  // Insertion sort: stable, so equal scores stay in index order (the lower index is pruned first).
  for (int i = 1; i < ${m}; i++) {
    int cur = order[i]; int j = i - 1;
    while (j >= 0 && x[order[j]] > x[cur]) { order[j + 1] = order[j]; j--; }
    order[j + 1] = cur;
  }
  for (int i = 0; i < ${m}; i++) o[(long long)g * ${m} + order[i]] = i < ${m} - n ? 0 : 1;
}`);
}

export const ADAMW_MODES = { textbook: 0, decoupled: 1, "reference-int-not": 2, gradient: 3, sgd: 4 } as const;

/**
 * AdamW with AST's masked decay, in place over (param, m, v) from grad and an optional u8 mask. Arithmetic in
 * double, rounded to float where core's cpu kernel stores a float32 (shrunk p, u, g', the moments, p), so
 * results match it to rounding (float arithmetic alone drifts ~1e-4 of the parameter over a few steps).
 */
export const ADAMW_SOURCE = kernel("adamw_step", `
extern "C" __global__ void k(float* __restrict__ p, float* __restrict__ mu, float* __restrict__ nu, const float* __restrict__ g,
    const unsigned char* __restrict__ mask, int hasMask, int n, int mode,
    double lr, double beta1, double beta2, double eps, double decay, double shrink, double stepSize, double bc2Sqrt) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  double e = hasMask ? (mode == 2 ? -1.0 - (double)mask[i] : 1.0 - (double)mask[i]) : 0.0;
  double old = p[i];
  double shrunk = (float)(old * shrink);
  double gi = g[i];
  if (mode == 4) { p[i] = (float)(shrunk - lr * (gi + decay * e * shrunk)); return; }
  if (mode == 1 || mode == 2) {
    float m2 = (float)(beta1 * mu[i] + (1.0 - beta1) * gi);
    double u = (float)(m2 + decay * e * shrunk);
    float v2 = (float)(beta2 * nu[i] + (1.0 - beta2) * u * u);
    mu[i] = m2; nu[i] = v2;
    p[i] = (float)(shrunk - (stepSize * u) / (sqrt((double)v2) / bc2Sqrt + eps));
    return;
  }
  if (mode == 3) gi = (float)(gi + decay * e * old);
  float m2 = (float)(beta1 * mu[i] + (1.0 - beta1) * gi);
  float v2 = (float)(beta2 * nu[i] + (1.0 - beta2) * gi * gi);
  mu[i] = m2; nu[i] = v2;
  p[i] = (float)(shrunk - (stepSize * m2) / (sqrt((double)v2) / bc2Sqrt + eps));
}`);

/** f32 → bf16 (round to nearest even, NaN kept quiet) for bf16 GEMM operands. */
export const TO_BF16_SOURCE = kernel("to_bf16", `
extern "C" __global__ void k(unsigned short* __restrict__ o, const float* __restrict__ x, long long n) {
  long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  unsigned int u = __float_as_uint(x[i]);
  if ((u & 0x7fffffffu) > 0x7f800000u) { o[i] = 0x7fc0; return; }
  u += 0x7fffu + ((u >> 16) & 1u);
  o[i] = (unsigned short)(u >> 16);
}`);
