import type { DType } from "@adaptive-sparse/core";
import { cType, kernel, type KernelSource } from "./common.js";

export type ReduceKind = "sum" | "max";

/** Sums accumulate in double (floats) or 64-bit ints, as the cpu kernel sums in doubles. */
function accumulator(kind: ReduceKind, dtype: DType): { type: string; init: string; add: (acc: string, v: string) => string } {
  if (kind === "sum") return { type: dtype === "f32" ? "double" : "long long", init: "0", add: (acc, v) => `${acc} += ${v};` };
  if (dtype === "f32") return { type: "float", init: "-inff_()", add: (acc, v) => `{ float v_ = ${v}; ${acc} = (v_ != v_ || ${acc} != ${acc}) ? nanf_() : fmaxf(${acc}, v_); }` };
  return { type: "int", init: dtype === "u8" ? "0" : "(int)0x80000000", add: (acc, v) => `${acc} = max(${acc}, (int)${v});` };
}

/** One thread per output element walks its reduced elements (few reduced elements, many outputs). */
export function reduceThreadSource(kind: ReduceKind, dtype: DType): KernelSource {
  const t = cType(dtype);
  const acc = accumulator(kind, dtype);
  return kernel(`reduce_${kind}_thread_${dtype}`, `
extern "C" __global__ void k(${t}* __restrict__ o, const ${t}* __restrict__ x, Red r, int outputs, int reduced) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= outputs) return;
  const ${t}* base = x + offset1(r.krank, r.kshape, r.kstride, i);
  ${acc.type} acc = ${acc.init};
  if (r.rrank == 1) { int s = r.rstride[0]; for (int j = 0; j < reduced; j++) ${acc.add("acc", "base[j * s]")} }
  else for (int j = 0; j < reduced; j++) ${acc.add("acc", "base[offset1(r.rrank, r.rshape, r.rstride, j)]")}
  o[i] = (${t})acc;
}`);
}

/** One block per output element; threads stride over the reduced elements, then a block reduction. */
export function reduceBlockSource(kind: ReduceKind, dtype: DType): KernelSource {
  const t = cType(dtype);
  const acc = accumulator(kind, dtype);
  const combine =
    kind === "sum"
      ? `__shared__ double scratch[32]; double total = blockSum((double)acc, scratch);`
      : dtype === "f32"
        ? `__shared__ float scratch[32]; float total = blockMax(acc, scratch);`
        : `__shared__ float scratch[32]; float total = blockMax((float)acc, scratch);`;
  return kernel(`reduce_${kind}_block_${dtype}`, `
extern "C" __global__ void k(${t}* __restrict__ o, const ${t}* __restrict__ x, Red r, int outputs, int reduced) {
  int i = blockIdx.x;
  const ${t}* base = x + offset1(r.krank, r.kshape, r.kstride, i);
  ${acc.type} acc = ${acc.init};
  if (r.rrank == 1) { int s = r.rstride[0]; for (int j = threadIdx.x; j < reduced; j += blockDim.x) ${acc.add("acc", "base[j * s]")} }
  else for (int j = threadIdx.x; j < reduced; j += blockDim.x) ${acc.add("acc", "base[offset1(r.rrank, r.rshape, r.rstride, j)]")}
  ${combine}
  if (threadIdx.x == 0) o[i] = (${t})total;
}`);
}

/** Index of the largest value along an axis ([outer, length, inner] view); the first NaN wins, ties keep the first. */
export function argMaxSource(dtype: DType, out: DType): KernelSource {
  const t = cType(dtype);
  const isNan = dtype === "f32" ? "v != v" : "false";
  return kernel(`argmax_${dtype}_${out}`, `
extern "C" __global__ void k(${cType(out)}* __restrict__ o, const ${t}* __restrict__ x, int outer, int length, int inner) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= outer * inner) return;
  int p = i / inner, q = i % inner;
  const ${t}* base = x + (long long)p * length * inner + q;
  int best = 0;
  ${t} bestValue = base[0];
  bool first = true;
  for (int k2 = 0; k2 < length; k2++) {
    ${t} v = base[(long long)k2 * inner];
    if (${isNan}) { best = k2; break; }
    if (first || v > bestValue) { best = k2; bestValue = v; first = false; }
  }
  o[i] = (${cType(out)})best;
}`);
}
