import { sizeOf, type BufferInfo, type OpAttrs } from "@adaptive-sparse/core";
import { broadcastStrides } from "../collapse.js";
import type { KernelContext } from "../context.js";
import type { WebGpuHandle } from "../handle.js";
import { matmulProgram, matmulSharedBytes, TILE_M, type MatmulVariant } from "../programs/matmul.js";
import { splitKSumProgram } from "../programs/split-k.js";
import { chooseSplitK, sliceLength } from "./split-k.js";

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

/**
 * A forced tile width / number of K slices for every product (the GPU check compares them on one shape; 1 turns
 * split-K off); empty: chosen per shape.
 */
export const matmulTuning: { tileN?: 64 | 128; splitK?: number } = {};

/** Batched GEMM over broadcast leading axes; batches beyond the grid's z limit go in several dispatches. */
export function matMulKernel(ctx: KernelContext, maxZ: number, sharedLimit: number, maxBinding: number) {
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
    const chosen = { ...chooseVariant(m, n, k, batches, transA, transB, { a: aStrides, b: bStrides }, sharedLimit), ...(ctx.precision === "f16" ? { f16: true } : {}) };
    const variant = matmulTuning.tileN && matmulSharedBytes(matmulTuning.tileN) <= sharedLimit ? { ...chosen, tileN: matmulTuning.tileN } : chosen;
    const tiles = Math.ceil(m / TILE_M) * Math.ceil(n / variant.tileN) * batches;
    const wanted = batches === 1 && matmulTuning.splitK ? Math.min(matmulTuning.splitK, Math.floor(maxBinding / (m * n * 4))) : chooseSplitK(m, n, k, batches, tiles, maxBinding);
    if (wanted > 1) return splitK(ctx, variant, args, [m, n, k], wanted);
    const code = matmulProgram(variant);
    // The label names the shape, so a profile splits GEMM time by product (op names stay the first word).
    const label = `MatMul ${batches > 1 ? `${batches}×` : ""}${m}×${n}×${k}${transA ? " Aᵀ" : ""}${transB ? " Bᵀ" : ""} tile ${TILE_M}×${variant.tileN}${variant.f16 ? " f16" : ""}`;
    for (let start = 0; start < batches; start += maxZ) {
      const count = Math.min(maxZ, batches - start);
      const params = [m, n, k, start, batch.length, ...batch, ...aStrides, ...bStrides];
      ctx.run(label, code, args, params, [Math.ceil(n / variant.tileN), Math.ceil(m / TILE_M), count]);
    }
  };
}

type Arg = { info: Info; role: "input" | "output" };

/** A single product with its K range split over grid z: partial products in scratch, then an ordered sum. */
function splitK(ctx: KernelContext, variant: MatmulVariant, [a, b, out]: Arg[], [m, n, k]: number[], wanted: number): void {
  const length = sliceLength(k, wanted);
  const slices = Math.ceil(k / length);
  const partial = ctx.scratch(slices * m * n * 4);
  const label = `MatMul ${m}×${n}×${k}${variant.transA ? " Aᵀ" : ""}${variant.transB ? " Bᵀ" : ""} tile ${TILE_M}×${variant.tileN}${variant.f16 ? " f16" : ""} split-K ${slices}`;
  ctx.run(label, matmulProgram({ ...variant, splitK: true }), [a, b, partial], [m, n, k, length, 0], [Math.ceil(n / variant.tileN), Math.ceil(m / TILE_M), slices]);
  ctx.run(label, splitKSumProgram(), [partial, out], [m * n, slices], ctx.grid(Math.ceil((m * n) / 256)));
}
