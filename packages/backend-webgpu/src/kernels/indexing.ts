import { sizeOf, type BufferInfo, type OpAttrs } from "@adaptive-sparse/core";
import { threadGrid, type KernelContext } from "../context.js";
import type { WebGpuHandle } from "../handle.js";
import { gatherProgram } from "../programs/gather.js";
import { groupTopKProgram } from "../programs/group-top-k.js";

type Info = BufferInfo<WebGpuHandle>;

export function gatherKernel(ctx: KernelContext) {
  return (out: Info, [table, indices]: readonly Info[]): void => {
    const n = sizeOf(out.shape);
    if (n === 0) return;
    const rows = table.shape[0];
    const width = sizeOf(table.shape.slice(1));
    const args = [{ info: table, role: "input" as const }, { info: indices, role: "input" as const }, { info: out, role: "output" as const }, ctx.errorBuffer()];
    ctx.run("Gather", gatherProgram(), args, [n, width, rows], threadGrid(ctx, n));
  };
}

export function groupTopKKernel(ctx: KernelContext) {
  return (out: Info, [scores]: readonly Info[], { n, m }: OpAttrs["GroupTopK"]): void => {
    const size = sizeOf(out.shape);
    if (size === 0) return;
    const groups = size / m;
    const width = out.shape[out.shape.length - 1];
    const args = [{ info: scores, role: "input" as const }, { info: out, role: "output" as const }, ctx.errorBuffer()];
    ctx.run("GroupTopK", groupTopKProgram(), args, [groups, m, n, width], threadGrid(ctx, groups));
  };
}
