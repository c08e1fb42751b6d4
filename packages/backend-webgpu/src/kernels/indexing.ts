import { sizeOf, type BufferInfo, type OpAttrs } from "@adaptive-sparse/core";
import { threadGrid, type KernelContext } from "../context.js";
import type { WebGpuHandle } from "../handle.js";
import { gatherProgram } from "../programs/gather.js";
import { groupTopKProgram } from "../programs/group-top-k.js";
import { scatterCountProgram, scatterPlaceProgram, scatterScanProgram, scatterSortProgram, scatterSumProgram } from "../programs/scatter-add.js";
import { wgslType } from "../programs/wgsl.js";

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

/** The five passes of `programs/scatter-add.ts` (a deterministic counting sort, then ordered sums). */
export function scatterAddKernel(ctx: KernelContext) {
  return (out: Info, [src, indices]: readonly Info[], { size: rows }: OpAttrs["ScatterAdd"]): void => {
    const n = sizeOf(out.shape);
    if (n === 0) return;
    const count = sizeOf(indices.shape);
    const width = n / rows;
    if (count === 0) {
      ctx.clear("ScatterAdd", { info: out, role: "output" });
      return;
    }
    const idx = { info: indices, role: "input" as const };
    const counts = ctx.scratch(rows * 4);
    const cursor = ctx.scratch(rows * 4);
    const offsets = ctx.scratch((rows + 1) * 4);
    const perm = ctx.scratch(count * 4);
    ctx.clear("ScatterAdd", counts);
    ctx.run("ScatterAdd", scatterCountProgram(), [idx, counts, ctx.errorBuffer()], [count, rows], threadGrid(ctx, count));
    ctx.run("ScatterAdd", scatterScanProgram(), [counts, offsets, cursor], [1, rows], [1, 1, 1]);
    ctx.run("ScatterAdd", scatterPlaceProgram(), [idx, cursor, perm], [count, rows], threadGrid(ctx, count));
    ctx.run("ScatterAdd", scatterSortProgram(), [offsets, perm], [rows], threadGrid(ctx, rows));
    const sumArgs = [{ info: src, role: "input" as const }, offsets, perm, { info: out, role: "output" as const }];
    ctx.run("ScatterAdd", scatterSumProgram(wgslType(src.dtype)), sumArgs, [n, width], threadGrid(ctx, n));
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
