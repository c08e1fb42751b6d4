import { sizeOf, type BufferInfo, type OpAttrs } from "@adaptive-sparse/core";
import { threadGrid, type KernelContext } from "../context.js";
import type { WebGpuHandle } from "../handle.js";
import { radixHistogramProgram, radixScatterProgram, RADIX } from "../programs/radix-sort.js";
import { radixPasses, scatterCountProgram, scatterSumProgram } from "../programs/scatter-add.js";
import { WORKGROUP, wgslType } from "../programs/wgsl.js";
import { recordScan } from "./scan.js";

type Info = BufferInfo<WebGpuHandle>;

/** The passes of `programs/scatter-add.ts`: count, scan, a stable radix sort by target row, ordered sums. */
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
    const counts = ctx.scratch(rows * 4);
    const offsets = ctx.scratch((rows + 1) * 4);
    let [keys, values] = [ctx.scratch(count * 4), ctx.scratch(count * 4)];
    ctx.clear("ScatterAdd", counts);
    const countArgs = [{ info: indices, role: "input" as const }, counts, keys, values, ctx.errorBuffer()];
    ctx.run("ScatterAdd", scatterCountProgram(), countArgs, [count, rows], threadGrid(ctx, count));
    recordScan(ctx, "ScatterAdd", counts, rows, offsets);
    const blocks = Math.ceil(count / WORKGROUP);
    const histogram = ctx.scratch(RADIX * blocks * 4);
    const starts = ctx.scratch((RADIX * blocks + 1) * 4);
    let [keys2, values2] = [ctx.scratch(count * 4), ctx.scratch(count * 4)];
    for (let pass = 0; pass < radixPasses(rows); pass++) {
      const params = [count, blocks, 8 * pass];
      ctx.run("ScatterAdd", radixHistogramProgram(), [keys, histogram], params, ctx.grid(blocks));
      recordScan(ctx, "ScatterAdd", histogram, RADIX * blocks, starts);
      ctx.run("ScatterAdd", radixScatterProgram(), [keys, values, starts, keys2, values2], params, ctx.grid(blocks));
      [keys, keys2] = [keys2, keys];
      [values, values2] = [values2, values];
    }
    const sumArgs = [{ info: src, role: "input" as const }, offsets, values, { info: out, role: "output" as const }];
    ctx.run("ScatterAdd", scatterSumProgram(wgslType(src.dtype)), sumArgs, [n, width], threadGrid(ctx, n));
  };
}
