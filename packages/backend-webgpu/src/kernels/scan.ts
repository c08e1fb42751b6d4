import type { KernelContext } from "../context.js";
import { SCAN_BLOCK, scanApplyProgram, scanBlocksProgram, scanTopProgram } from "../programs/scan.js";

/** Records `y[0..n] = exclusive scan of x[0..n)` (y[n] = the total) over ceil(n / 1024) workgroups. */
export function recordScan(ctx: KernelContext, op: string, x: GPUBuffer, n: number, y: GPUBuffer): void {
  const blocks = Math.max(1, Math.ceil(n / SCAN_BLOCK));
  const totals = ctx.scratch(blocks * 4);
  ctx.run(op, scanBlocksProgram(), [x, totals], [n, blocks], ctx.grid(blocks));
  ctx.run(op, scanTopProgram(), [totals], [n, blocks], [1, 1, 1]);
  ctx.run(op, scanApplyProgram(), [x, totals, y], [n, blocks], ctx.grid(blocks));
}
