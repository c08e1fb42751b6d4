import type { DType } from "@adaptive-sparse/core";
import { cType, kernel, type KernelSource } from "./common.js";

/** C expressions of the unary ops over `a` (the input converted to the compute type). */
export const UNARY: Record<string, (t: string) => string> = {
  Neg: () => "-a",
  Exp: (t) => (t === "float" ? "expf(a)" : "expf((float)a)"),
  Log: (t) => (t === "float" ? "logf(a)" : "logf((float)a)"),
  Sqrt: (t) => (t === "float" ? "sqrtf(a)" : "sqrtf((float)a)"),
  Reciprocal: (t) => (t === "float" ? "1.0f / a" : "1.0f / (float)a"),
  Tanh: (t) => (t === "float" ? "tanhf(a)" : "tanhf((float)a)"),
  // tanh-approximated GELU, as the cpu kernel.
  Gelu: () => "0.5f * a * (1.0f + tanhf(0.7978845608028654f * (a + 0.044715f * a * a * a)))",
};

/** C expressions of the binary ops over `a`, `b` in the compute type (u8 arithmetic wraps on the store). */
export const BINARY: Record<string, (t: string) => string> = {
  Add: () => "a + b",
  Mul: () => "a * b",
  Pow: (t) => (t === "float" ? "powf(a, b)" : "powf((float)a, (float)b)"),
  Maximum: (t) => (t === "float" ? "(a != a || b != b) ? nanf_() : (a > b ? a : b)" : "(a > b ? a : b)"),
  CmpLt: () => "(a < b ? 1 : 0)",
  CmpLe: () => "(a <= b ? 1 : 0)",
  CmpEq: () => "(a == b ? 1 : 0)",
  // d/dx of the tanh GELU, `a` the incoming gradient and `b` the input x.
  GeluGrad: () =>
    "a * (0.5f * (1.0f + tanhf(0.7978845608028654f * (b + 0.044715f * b * b * b))) + 0.5f * b * (1.0f - tanhf(0.7978845608028654f * (b + 0.044715f * b * b * b)) * tanhf(0.7978845608028654f * (b + 0.044715f * b * b * b))) * 0.7978845608028654f * (1.0f + 3.0f * 0.044715f * b * b))",
};

/** Converts a value of type `from` to `to` as the cpu kernels' typed-array stores do. */
function convert(expr: string, from: DType, to: DType): string {
  if (from === to) return expr;
  if (to === "f32") return `(float)(${expr})`;
  // float → int: truncate toward zero, NaN and infinities to 0 (JS ToInt32), then wrap modulo 2^32 or 2^8.
  const integer = from === "f32" ? `f2i_(${expr})` : `(long long)(${expr})`;
  return to === "i32" ? `(int)(unsigned int)(${integer})` : `(unsigned char)(${integer})`;
}

const F2I = `__device__ __forceinline__ long long f2i_(float x) {
  if (!(fabsf(x) < 9.2e18f)) return 0;
  return (long long)truncf(x);
}`;

/** One output element per thread: out[i] = op(a[offset]) over a strided input. */
export function unarySource(op: string, input: DType, out: DType): KernelSource {
  const t = cType(input);
  const expr = UNARY[op];
  if (!expr) throw new Error(`backend-cuda: no unary kernel ${op}`);
  return kernel(`unary_${op}_${input}_${out}`, `${F2I}
extern "C" __global__ void k(${cType(out)}* __restrict__ o, const ${t}* __restrict__ x, Strided st, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  int oa, ob, oc; offsets3(st, i, oa, ob, oc);
  ${t} a = x[oa];
  o[i] = ${convert(`(${expr(t)})`, input, out)};
}`);
}

/** out[i] = op(a[offA], b[offB]) with broadcast strides; the comparison ops write u8. */
export function binarySource(op: string, input: DType, out: DType): KernelSource {
  const t = cType(input);
  const expr = BINARY[op];
  if (!expr) throw new Error(`backend-cuda: no binary kernel ${op}`);
  return kernel(`binary_${op}_${input}_${out}`, `${F2I}
extern "C" __global__ void k(${cType(out)}* __restrict__ o, const ${t}* __restrict__ x, const ${t}* __restrict__ y, Strided st, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  int oa, ob, oc; offsets3(st, i, oa, ob, oc);
  ${t} a = x[oa]; ${t} b = y[ob];
  o[i] = ${convert(`(${expr(t)})`, input, out)};
}`);
}

/** out[i] = cond ? x : y, each operand broadcast. */
export function whereSource(dtype: DType): KernelSource {
  const t = cType(dtype);
  return kernel(`where_${dtype}`, `
extern "C" __global__ void k(${t}* __restrict__ o, const unsigned char* __restrict__ c, const ${t}* __restrict__ x, const ${t}* __restrict__ y, Strided st, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  int oc, oa, ob; offsets3(st, i, oc, oa, ob);
  o[i] = c[oc] ? x[oa] : y[ob];
}`);
}

/**
 * Strided copy with conversion: dst[dbase + off0] = src[sbase + off1] over an iteration shape. Serves Cast,
 * Expand, Permute, Slice, Pad (strided destination) and Concat (one launch per input).
 */
export function copySource(from: DType, to: DType): KernelSource {
  return kernel(`copy_${from}_${to}`, `${F2I}
extern "C" __global__ void k(${cType(to)}* __restrict__ o, const ${cType(from)}* __restrict__ x, Strided st, int n, int dbase, int sbase) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  int od, os, unused; offsets3(st, i, od, os, unused);
  o[dbase + od] = ${convert("x[sbase + os]", from, to)};
}`);
}
