import { kernel, type KernelSource } from "./common.js";

// Last-axis row kernels: one block per row, statistics reduced across the block in double (as the cpu kernels).
const HEAD = `extern "C" __global__ void k(float* __restrict__ o, const float* __restrict__ x, int width) {
  __shared__ double scratch[32]; __shared__ float fscratch[32];
  const float* a = x + (long long)blockIdx.x * width; float* r = o + (long long)blockIdx.x * width;`;

const ROW_MAX = `float m = -inff_(); for (int j = threadIdx.x; j < width; j += blockDim.x) m = fmaxf(m, a[j]); m = blockMax(m, fscratch);`;

export const ROW_SOURCES: Record<string, KernelSource> = {
  Softmax: kernel("row_softmax", `${HEAD}
  ${ROW_MAX}
  double s = 0; for (int j = threadIdx.x; j < width; j += blockDim.x) s += expf(a[j] - m);
  float inv = (float)(1.0 / blockSum(s, scratch));
  for (int j = threadIdx.x; j < width; j += blockDim.x) r[j] = expf(a[j] - m) * inv;
}`),
  LogSoftmax: kernel("row_log_softmax", `${HEAD}
  ${ROW_MAX}
  double s = 0; for (int j = threadIdx.x; j < width; j += blockDim.x) s += expf(a[j] - m);
  float shift = m + (float)log(blockSum(s, scratch));
  for (int j = threadIdx.x; j < width; j += blockDim.x) r[j] = a[j] - shift;
}`),
  LayerNorm: kernel("row_layer_norm", `
extern "C" __global__ void k(float* __restrict__ o, const float* __restrict__ x, int width, float eps) {
  __shared__ double scratch[32];
  const float* a = x + (long long)blockIdx.x * width; float* r = o + (long long)blockIdx.x * width;
  double s = 0; for (int j = threadIdx.x; j < width; j += blockDim.x) s += a[j];
  double mean = blockSum(s, scratch) / width;
  double q = 0; for (int j = threadIdx.x; j < width; j += blockDim.x) { double d = a[j] - mean; q += d * d; }
  double rstd = 1.0 / sqrt(blockSum(q, scratch) / width + eps);
  for (int j = threadIdx.x; j < width; j += blockDim.x) r[j] = (float)((a[j] - mean) * rstd);
}`),
};

/** Row gradients: inputs (g, y-or-x). */
export const ROW_GRAD_SOURCES: Record<string, KernelSource> = {
  // dx = y ⊙ (g − Σ g⊙y)
  SoftmaxGrad: kernel("row_softmax_grad", `
extern "C" __global__ void k(float* __restrict__ o, const float* __restrict__ g, const float* __restrict__ y, int width) {
  __shared__ double scratch[32];
  long long base = (long long)blockIdx.x * width;
  double s = 0; for (int j = threadIdx.x; j < width; j += blockDim.x) s += (double)g[base + j] * y[base + j];
  float dot = (float)blockSum(s, scratch);
  for (int j = threadIdx.x; j < width; j += blockDim.x) o[base + j] = y[base + j] * (g[base + j] - dot);
}`),
  // dx = g − exp(y) Σ g
  LogSoftmaxGrad: kernel("row_log_softmax_grad", `
extern "C" __global__ void k(float* __restrict__ o, const float* __restrict__ g, const float* __restrict__ y, int width) {
  __shared__ double scratch[32];
  long long base = (long long)blockIdx.x * width;
  double s = 0; for (int j = threadIdx.x; j < width; j += blockDim.x) s += g[base + j];
  float total = (float)blockSum(s, scratch);
  for (int j = threadIdx.x; j < width; j += blockDim.x) o[base + j] = g[base + j] - expf(y[base + j]) * total;
}`),
  // dx = rstd · (g − mean(g) − x̂ · mean(g ⊙ x̂))
  LayerNormGrad: kernel("row_layer_norm_grad", `
extern "C" __global__ void k(float* __restrict__ o, const float* __restrict__ g, const float* __restrict__ x, int width, float eps) {
  __shared__ double scratch[32];
  long long base = (long long)blockIdx.x * width;
  const float* a = x + base; const float* gr = g + base;
  double s = 0; for (int j = threadIdx.x; j < width; j += blockDim.x) s += a[j];
  double mean = blockSum(s, scratch) / width;
  double q = 0; for (int j = threadIdx.x; j < width; j += blockDim.x) { double d = a[j] - mean; q += d * d; }
  double rstd = 1.0 / sqrt(blockSum(q, scratch) / width + eps);
  double gs = 0, gx = 0;
  for (int j = threadIdx.x; j < width; j += blockDim.x) { gs += gr[j]; gx += gr[j] * (a[j] - mean) * rstd; }
  double gMean = blockSum(gs, scratch) / width;
  double gxMean = blockSum(gx, scratch) / width;
  for (int j = threadIdx.x; j < width; j += blockDim.x) o[base + j] = (float)(rstd * (gr[j] - gMean - (a[j] - mean) * rstd * gxMean));
}`),
};

/** Per-row loss logsumexp(row) − row[t]; 0 for ignored rows; a target outside [0, V) is a deferred error (code 4). */
export const CROSS_ENTROPY_SOURCE = kernel("row_cross_entropy", `
extern "C" __global__ void k(float* __restrict__ o, const float* __restrict__ x, const int* __restrict__ t, int width, int ignore, int* err) {
  __shared__ double scratch[32]; __shared__ float fscratch[32];
  const float* a = x + (long long)blockIdx.x * width;
  int target = t[blockIdx.x];
  if (target == ignore) { if (threadIdx.x == 0) o[blockIdx.x] = 0.0f; return; }
  if (target < 0 || target >= width) { if (threadIdx.x == 0) { reportError(err, 4, target, blockIdx.x, width); o[blockIdx.x] = nanf_(); } return; }
  ${ROW_MAX}
  double s = 0; for (int j = threadIdx.x; j < width; j += blockDim.x) s += expf(a[j] - m);
  double total = blockSum(s, scratch);
  if (threadIdx.x == 0) o[blockIdx.x] = (float)((double)m + log(total) - (double)a[target]);
}`);

/** dlogits = g[n]·(softmax(row) − onehot(t[n])); all 0 for ignored rows or out-of-range targets. */
export const CROSS_ENTROPY_GRAD_SOURCE = kernel("row_cross_entropy_grad", `
extern "C" __global__ void k(float* __restrict__ o, const float* __restrict__ g, const float* __restrict__ x, const int* __restrict__ t, int width, int ignore, int* err) {
  __shared__ double scratch[32]; __shared__ float fscratch[32];
  long long base = (long long)blockIdx.x * width;
  const float* a = x + base; float* r = o + base;
  int target = t[blockIdx.x];
  if (target == ignore || target < 0 || target >= width) {
    if (target != ignore && threadIdx.x == 0) reportError(err, 4, target, blockIdx.x, width);
    for (int j = threadIdx.x; j < width; j += blockDim.x) r[j] = 0.0f;
    return;
  }
  ${ROW_MAX}
  double s = 0; for (int j = threadIdx.x; j < width; j += blockDim.x) s += expf(a[j] - m);
  float inv = (float)(1.0 / blockSum(s, scratch));
  float scale = g[blockIdx.x];
  for (int j = threadIdx.x; j < width; j += blockDim.x) r[j] = scale * (expf(a[j] - m) * inv - (j == target ? 1.0f : 0.0f));
}`);
