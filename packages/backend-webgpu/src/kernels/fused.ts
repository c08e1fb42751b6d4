import { sizeOf, type BufferInfo, type KernelTable, type PrimitiveName } from "@adaptive-sparse/core";
import { threadGrid, type KernelContext } from "../context.js";
import type { WebGpuHandle } from "../handle.js";
import { geluProgram, rowProgram, type RowOp } from "../programs/rows.js";
import { causalSoftmaxKernels } from "./causal-softmax.js";
import { adamwKernel, crossEntropyKernels } from "./training.js";

type Info = BufferInfo<WebGpuHandle>;

const f32Bits = (value: number) => new Uint32Array(new Float32Array([value]).buffer)[0];

/** A row kernel; `order` maps the op's inputs to the program's (A, B) bindings. */
function rowKernel(ctx: KernelContext, op: RowOp, order: readonly number[]) {
  return (out: Info, inputs: readonly Info[], attrs: { eps?: number }): void => {
    const width = out.shape[out.shape.length - 1] ?? 1;
    const rows = width === 0 ? 0 : sizeOf(out.shape) / width;
    if (rows === 0) return;
    const args = [...order.map((k) => ({ info: inputs[k], role: "input" as const })), { info: out, role: "output" as const }];
    ctx.run(op, rowProgram(op, ctx.subgroups), args, [rows, width, f32Bits(attrs.eps ?? 0)], ctx.grid(rows));
  };
}

function geluKernel(ctx: KernelContext, grad: boolean) {
  return (out: Info, inputs: readonly Info[]): void => {
    const n = sizeOf(out.shape);
    if (n === 0) return;
    const args = [...inputs.map((info) => ({ info, role: "input" as const })), { info: out, role: "output" as const }];
    ctx.run(grad ? "GeluGrad" : "Gelu", geluProgram(grad), args, [n], threadGrid(ctx, n));
  };
}

/** The fused last-axis ops (one dispatch each instead of a chain of primitives). */
export function fusedKernels(ctx: KernelContext): Omit<KernelTable<WebGpuHandle>, PrimitiveName> {
  return {
    Softmax: rowKernel(ctx, "Softmax", [0]),
    LogSoftmax: rowKernel(ctx, "LogSoftmax", [0]),
    SoftmaxGrad: rowKernel(ctx, "SoftmaxGrad", [0, 1]),
    LogSoftmaxGrad: rowKernel(ctx, "LogSoftmaxGrad", [0, 1]),
    LayerNorm: rowKernel(ctx, "LayerNorm", [0]),
    // core passes (gradient, x); the program reads x as A.
    LayerNormGrad: rowKernel(ctx, "LayerNormGrad", [1, 0]),
    Gelu: geluKernel(ctx, false),
    GeluGrad: geluKernel(ctx, true),
    ...crossEntropyKernels(ctx),
    ...causalSoftmaxKernels(ctx),
    AdamWStep: adamwKernel(ctx),
  };
}
