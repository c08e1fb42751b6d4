import { kernel, type KernelSource } from "./common.js";

// Attention rows of [..., T, T]: one block per row, the row's index within its [T, T] block is blockIdx.x % T;
// only columns j ≤ i are read, the rest are written as 0. Sums in double, as the other row kernels.

/** y = softmax(scale·x) over j ≤ i, 0 beyond (row i always sees j = 0, so the sum is never 0). */
export const CAUSAL_SOFTMAX_SOURCE: KernelSource = kernel("causal_softmax", `
extern "C" __global__ void k(float* __restrict__ o, const float* __restrict__ x, int width, float scale) {
  __shared__ double scratch[32]; __shared__ float fscratch[32];
  long long base = (long long)blockIdx.x * width; int i = blockIdx.x % width;
  const float* a = x + base; float* r = o + base;
  float m = -inff_(); for (int j = threadIdx.x; j <= i; j += blockDim.x) m = fmaxf(m, scale * a[j]); m = blockMax(m, fscratch);
  double s = 0; for (int j = threadIdx.x; j <= i; j += blockDim.x) s += expf(scale * a[j] - m);
  float inv = (float)(1.0 / blockSum(s, scratch));
  for (int j = threadIdx.x; j < width; j += blockDim.x) r[j] = j <= i ? expf(scale * a[j] - m) * inv : 0.0f;
}`);

/** dx = scale · y ⊙ (g − Σ g⊙y): reads the output y only (masked columns have y = 0). */
export const CAUSAL_SOFTMAX_GRAD_SOURCE: KernelSource = kernel("causal_softmax_grad", `
extern "C" __global__ void k(float* __restrict__ o, const float* __restrict__ g, const float* __restrict__ y, int width, float scale) {
  __shared__ double scratch[32];
  long long base = (long long)blockIdx.x * width; int i = blockIdx.x % width;
  double s = 0; for (int j = threadIdx.x; j <= i; j += blockDim.x) s += (double)g[base + j] * y[base + j];
  float dot = (float)blockSum(s, scratch);
  for (int j = threadIdx.x; j < width; j += blockDim.x) o[base + j] = scale * y[base + j] * (g[base + j] - dot);
}`);
