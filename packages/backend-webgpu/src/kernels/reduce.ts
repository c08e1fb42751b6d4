import { stridesOf, sizeOf, type BufferInfo, type OpAttrs } from "@adaptive-sparse/core";
import { collapse } from "../collapse.js";
import { threadGrid, type KernelContext } from "../context.js";
import type { WebGpuHandle } from "../handle.js";
import { reduceProgram, type ReduceOp } from "../programs/reduce.js";
import { wgslType } from "../programs/wgsl.js";

type Info = BufferInfo<WebGpuHandle>;

/** Reductions at least this long get a workgroup per output element instead of a thread. */
const WORKGROUP_THRESHOLD = 256;

function reduce(ctx: KernelContext, op: ReduceOp, name: string, out: Info, x: Info, axes: readonly number[]): void {
  const nOut = sizeOf(out.shape);
  if (nOut === 0) return;
  const strides = stridesOf(x.shape);
  const keptAxes = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const kept = collapse(keptAxes.map((i) => x.shape[i]), [keptAxes.map((i) => strides[i])]);
  const reduced = collapse(axes.map((i) => x.shape[i]), [axes.map((i) => strides[i])]);
  const length = sizeOf(reduced.shape);
  const params = [
    nOut, length, kept.shape.length, reduced.shape.length,
    ...kept.shape, ...kept.strides[0], ...reduced.shape, ...reduced.strides[0],
  ];
  const strategy = length >= WORKGROUP_THRESHOLD ? "workgroup" : "thread";
  const grid = strategy === "workgroup" ? ctx.grid(nOut) : threadGrid(ctx, nOut);
  const args = [{ info: x, role: "input" as const }, { info: out, role: "output" as const }];
  ctx.run(name, reduceProgram(op, wgslType(x.dtype), strategy), args, params, grid);
}

export function reduceSumKernel(ctx: KernelContext) {
  return (out: Info, [x]: readonly Info[], { axes }: OpAttrs["ReduceSum"]): void => reduce(ctx, "sum", "ReduceSum", out, x, axes);
}

export function reduceMaxKernel(ctx: KernelContext) {
  return (out: Info, [x]: readonly Info[], { axes }: OpAttrs["ReduceMax"]): void => reduce(ctx, "max", "ReduceMax", out, x, axes);
}

export function argMaxKernel(ctx: KernelContext) {
  return (out: Info, [x]: readonly Info[], { axis }: OpAttrs["ArgMax"]): void => reduce(ctx, "argmax", "ArgMax", out, x, [axis]);
}
