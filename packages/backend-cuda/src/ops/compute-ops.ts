import { DTypeError, type AdamWStepAttrs, type KernelTable } from "@adaptive-sparse/core";
import type { CudaDriver } from "../driver.js";
import { ADAMW_MODES, ADAMW_SOURCE, gatherSource, groupTopKSource, scatterAddSource } from "../kernels/indexing.js";
import { reductionParams } from "../kernels/layout.js";
import { argMaxSource, reduceBlockSource, reduceThreadSource, type ReduceKind } from "../kernels/reduce.js";
import { CAUSAL_SOFTMAX_GRAD_SOURCE, CAUSAL_SOFTMAX_SOURCE } from "../kernels/causal-softmax.js";
import { CROSS_ENTROPY_GRAD_SOURCE, CROSS_ENTROPY_SOURCE, ROW_GRAD_SOURCES, ROW_SOURCES } from "../kernels/rows.js";
import { f32, f64, i32, NULL_POINTER, sizeOfShape, type CudaHandle, type Info } from "../handle.js";
import type { CudaRuntime } from "../runtime.js";

type Table = Pick<
  KernelTable<CudaHandle>,
  | "ReduceSum" | "ReduceMax" | "ArgMax" | "Gather" | "ScatterAdd" | "GroupTopK" | "Fill" | "Softmax" | "SoftmaxGrad" | "LogSoftmax" | "LogSoftmaxGrad"
  | "LayerNorm" | "LayerNormGrad" | "SoftmaxCrossEntropy" | "SoftmaxCrossEntropyGrad" | "AdamWStep" | "CausalSoftmax" | "CausalSoftmaxGrad"
>;

/** Threads per block for a row kernel: enough to cover the row, at most 1024. */
export function rowThreads(width: number): number {
  if (width >= 8192) return 1024;
  if (width >= 1024) return 256;
  return width > 64 ? 128 : 32;
}

const width = (info: Info) => info.shape[info.shape.length - 1] ?? 1;

/** Bit pattern that Fill writes for `value` in `dtype`, as a typed-array store converts it. */
export function fillPattern(dtype: string, value: number): { bits: number; bytes: 1 | 4 } {
  if (dtype === "u8") return { bits: Uint8Array.of(value)[0]!, bytes: 1 };
  if (dtype === "i32") return { bits: Int32Array.of(value)[0]! >>> 0, bytes: 4 };
  return { bits: new Uint32Array(Float32Array.of(value).buffer)[0]!, bytes: 4 };
}

export function computeOps(rt: CudaRuntime, driver: CudaDriver): Table {
  const reduce = (kind: ReduceKind) => (out: Info, [x]: readonly Info[]) => {
    const { params, outputs, reduced } = reductionParams(kind === "sum" ? "ReduceSum" : "ReduceMax", x!.shape, out.shape);
    const args = [out.handle.arg, x!.handle.arg, params, i32(outputs), i32(reduced)];
    if (reduced >= 64) rt.launch(reduceBlockSource(kind, x!.dtype), outputs, rowThreads(reduced), args);
    else rt.launchElements(reduceThreadSource(kind, x!.dtype), outputs, args);
  };
  const rows = (name: keyof typeof ROW_SOURCES) => (out: Info, [x]: readonly Info[], attrs: { eps?: number }) => {
    const w = width(out);
    const extra = attrs.eps === undefined ? [] : [f32(attrs.eps)];
    rt.launch(ROW_SOURCES[name]!, sizeOfShape(out.shape) / w, rowThreads(w), [out.handle.arg, x!.handle.arg, i32(w), ...extra]);
  };
  const rowGrads = (name: keyof typeof ROW_GRAD_SOURCES) => (out: Info, [g, y]: readonly Info[], attrs: { eps?: number }) => {
    const w = width(out);
    const extra = attrs.eps === undefined ? [] : [f32(attrs.eps)];
    rt.launch(ROW_GRAD_SOURCES[name]!, sizeOfShape(out.shape) / w, rowThreads(w), [out.handle.arg, g!.handle.arg, y!.handle.arg, i32(w), ...extra]);
  };
  return {
    ReduceSum: reduce("sum"),
    ReduceMax: reduce("max"),
    ArgMax(out, [x], { axis }) {
      const length = x!.shape[axis]!;
      const inner = sizeOfShape(x!.shape.slice(axis + 1));
      const outer = sizeOfShape(x!.shape) / Math.max(1, length * inner);
      rt.launchElements(argMaxSource(x!.dtype, out.dtype), outer * inner, [out.handle.arg, x!.handle.arg, i32(outer), i32(length), i32(inner)]);
    },
    Gather(out, [table, indices]) {
      const rows = table!.shape[0]!;
      const count = sizeOfShape(indices!.shape);
      const w = rows === 0 ? 0 : sizeOfShape(table!.shape) / rows;
      rt.errorsPending = true;
      rt.launchElements(gatherSource(out.dtype), count * w, [out.handle.arg, table!.handle.arg, indices!.handle.arg, i32(count), i32(w), i32(rows), rt.errorArg]);
    },
    ScatterAdd(out, [src, indices]) {
      if (out.dtype === "u8") throw new DTypeError("ScatterAdd: backend-cuda adds f32 or i32 rows, got u8 (cast first)");
      const rows = out.shape[0]!;
      const count = sizeOfShape(indices!.shape);
      const w = rows === 0 ? 0 : sizeOfShape(out.shape) / rows;
      rt.errorsPending = true;
      rt.launchElements(scatterAddSource(out.dtype), count * w, [out.handle.arg, src!.handle.arg, indices!.handle.arg, i32(count), i32(w), i32(rows), rt.errorArg]);
    },
    GroupTopK(out, [scores], { n, m }) {
      if (m > 64) throw new RangeError(`GroupTopK: backend-cuda sorts groups of at most 64 in registers, got m = ${m}`);
      const groups = sizeOfShape(scores!.shape) / m;
      rt.errorsPending = true;
      rt.launchElements(groupTopKSource(scores!.dtype, m), groups, [out.handle.arg, scores!.handle.arg, i32(groups), i32(n), rt.errorArg]);
    },
    Fill(out, _inputs, { value }) {
      const count = sizeOfShape(out.shape);
      if (count === 0) return;
      const { bits, bytes } = fillPattern(out.dtype, value);
      if (bytes === 1) driver.memsetD8(out.handle.pointer, bits, count);
      else driver.memsetD32(out.handle.pointer, bits, count);
    },
    Softmax: rows("Softmax"),
    LogSoftmax: rows("LogSoftmax"),
    LayerNorm: rows("LayerNorm"),
    SoftmaxGrad: rowGrads("SoftmaxGrad"),
    LogSoftmaxGrad: rowGrads("LogSoftmaxGrad"),
    LayerNormGrad: rowGrads("LayerNormGrad"),
    CausalSoftmax(out, [x], { scale }) {
      const w = width(out);
      if (w > 0) rt.launch(CAUSAL_SOFTMAX_SOURCE, sizeOfShape(out.shape) / w, rowThreads(w), [out.handle.arg, x!.handle.arg, i32(w), f32(scale)]);
    },
    CausalSoftmaxGrad(out, [g, y], { scale }) {
      const w = width(out);
      if (w > 0) rt.launch(CAUSAL_SOFTMAX_GRAD_SOURCE, sizeOfShape(out.shape) / w, rowThreads(w), [out.handle.arg, g!.handle.arg, y!.handle.arg, i32(w), f32(scale)]);
    },
    SoftmaxCrossEntropy(out, [logits, targets], { ignoreIndex }) {
      const w = width(logits!);
      rt.errorsPending = true;
      rt.launch(CROSS_ENTROPY_SOURCE, logits!.shape[0]!, rowThreads(w), [out.handle.arg, logits!.handle.arg, targets!.handle.arg, i32(w), i32(ignoreIndex), rt.errorArg]);
    },
    SoftmaxCrossEntropyGrad(out, [g, logits, targets], { ignoreIndex }) {
      const w = width(logits!);
      rt.errorsPending = true;
      rt.launch(CROSS_ENTROPY_GRAD_SOURCE, logits!.shape[0]!, rowThreads(w), [
        out.handle.arg, g!.handle.arg, logits!.handle.arg, targets!.handle.arg, i32(w), i32(ignoreIndex), rt.errorArg,
      ]);
    },
    AdamWStep([param, m, v], [grad, mask], attrs: AdamWStepAttrs) {
      const { lr, beta1, beta2, eps, weightDecay, decay, step, mode } = attrs;
      const n = sizeOfShape(param!.shape);
      const code = ADAMW_MODES[mode];
      if (code === undefined) throw new RangeError(`AdamWStep: unknown mode "${mode}" (expected ${Object.keys(ADAMW_MODES).join(", ")})`);
      const scalars = [lr, beta1, beta2, eps, decay, 1 - lr * weightDecay, lr / (1 - beta1 ** step), Math.sqrt(1 - beta2 ** step)].map(f64);
      rt.launchElements(ADAMW_SOURCE, n, [
        param!.handle.arg, m!.handle.arg, v!.handle.arg, grad!.handle.arg, mask ? mask.handle.arg : NULL_POINTER, i32(mask ? 1 : 0), i32(n), i32(code), ...scalars,
      ]);
    },
  };
}
