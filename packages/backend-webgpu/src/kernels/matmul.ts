import { sizeOf, type BufferInfo, type OpAttrs } from "@adaptive-sparse/core";
import { broadcastStrides } from "../collapse.js";
import type { KernelContext } from "../context.js";
import type { WebGpuHandle } from "../handle.js";
import { matmulProgram, TILE } from "../programs/matmul.js";

type Info = BufferInfo<WebGpuHandle>;

/** Batched GEMM over broadcast leading axes; batches beyond the grid's z limit go in several dispatches. */
export function matMulKernel(ctx: KernelContext, maxZ: number) {
  return (out: Info, [a, b]: readonly Info[], { transA, transB }: OpAttrs["MatMul"]): void => {
    const rank = out.shape.length;
    const [m, n] = [out.shape[rank - 2], out.shape[rank - 1]];
    const k = transA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
    if (m * n === 0) return;
    const batch = out.shape.slice(0, -2);
    const batches = sizeOf(batch);
    const args = [
      { info: a, role: "input" as const },
      { info: b, role: "input" as const },
      // k = 0 still writes zeros everywhere, so the output is always fully written.
      { info: out, role: "output" as const },
    ];
    const aStrides = broadcastStrides(a.shape.slice(0, -2), batch).map((s) => s * m * k);
    const bStrides = broadcastStrides(b.shape.slice(0, -2), batch).map((s) => s * k * n);
    const code = matmulProgram(transA, transB);
    for (let start = 0; start < batches; start += maxZ) {
      const count = Math.min(maxZ, batches - start);
      const params = [m, n, k, start, batch.length, ...batch, ...aStrides, ...bStrides];
      ctx.run("MatMul", code, args, params, [Math.ceil(n / TILE), Math.ceil(m / TILE), count]);
    }
  };
}
