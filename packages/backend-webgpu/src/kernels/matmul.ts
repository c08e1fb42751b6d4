import { sizeOf, type BufferInfo, type OpAttrs } from "@adaptive-sparse/core";
import { broadcastStrides } from "../collapse.js";
import type { KernelContext } from "../context.js";
import type { WebGpuHandle } from "../handle.js";
import { matmulProgram, matmulSharedBytes, TILE_M, type MatmulVariant } from "../programs/matmul.js";

type Info = BufferInfo<WebGpuHandle>;

/** Workgroups below which 128-wide tiles would leave a large GPU partly idle (about two per SM on an H200). */
const FEW_TILES = 264;

/** The tile width and vec4 access a product of these sizes and strides allows. */
export function chooseVariant(m: number, n: number, k: number, batches: number, transA: boolean, transB: boolean, strides: { a: number[]; b: number[] }, sharedLimit: number): MatmulVariant {
  const wideFits = matmulSharedBytes(128) <= sharedLimit;
  const wideTiles = Math.ceil(m / TILE_M) * Math.ceil(n / 128) * batches;
  const tileN = wideFits && n > 64 && wideTiles >= FEW_TILES ? 128 : 64;
  const aligned = (contiguous: number, batchStrides: number[]) => contiguous % 4 === 0 && batchStrides.every((s) => s % 4 === 0);
  return {
    transA,
    transB,
    tileN,
    vecA: aligned(transA ? m : k, strides.a),
    vecB: aligned(transB ? k : n, strides.b),
    vecC: n % 4 === 0,
  };
}

/** A forced tile width for every product (the GPU check compares both on one shape); empty: chosen per shape. */
export const matmulTuning: { tileN?: 64 | 128 } = {};

/** Batched GEMM over broadcast leading axes; batches beyond the grid's z limit go in several dispatches. */
export function matMulKernel(ctx: KernelContext, maxZ: number, sharedLimit: number) {
  return (out: Info, [a, b]: readonly Info[], { transA, transB }: OpAttrs["MatMul"]): void => {
    const rank = out.shape.length;
    const [m, n] = [out.shape[rank - 2], out.shape[rank - 1]];
    const k = transA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
    if (m * n === 0) return;
    // k = 0: the product is all zeros (and an empty operand could not be bound as vec4).
    if (k === 0) return ctx.clear("MatMul", { info: out, role: "output" });
    const batch = out.shape.slice(0, -2);
    const batches = sizeOf(batch);
    const args = [
      { info: a, role: "input" as const },
      { info: b, role: "input" as const },
      { info: out, role: "output" as const },
    ];
    const aStrides = broadcastStrides(a.shape.slice(0, -2), batch).map((s) => s * m * k);
    const bStrides = broadcastStrides(b.shape.slice(0, -2), batch).map((s) => s * k * n);
    const chosen = chooseVariant(m, n, k, batches, transA, transB, { a: aStrides, b: bStrides }, sharedLimit);
    const variant = matmulTuning.tileN && matmulSharedBytes(matmulTuning.tileN) <= sharedLimit ? { ...chosen, tileN: matmulTuning.tileN } : chosen;
    const code = matmulProgram(variant);
    // The label names the shape, so a profile splits GEMM time by product (op names stay the first word).
    const label = `MatMul ${batches > 1 ? `${batches}×` : ""}${m}×${n}×${k}${transA ? " Aᵀ" : ""}${transB ? " Bᵀ" : ""} tile ${TILE_M}×${variant.tileN}`;
    for (let start = 0; start < batches; start += maxZ) {
      const count = Math.min(maxZ, batches - start);
      const params = [m, n, k, start, batch.length, ...batch, ...aStrides, ...bStrides];
      ctx.run(label, code, args, params, [Math.ceil(n / variant.tileN), Math.ceil(m / TILE_M), count]);
    }
  };
}
