import type { KernelTable } from "@adaptive-sparse/core";
import type { KernelContext } from "../context.js";
import type { WebGpuHandle } from "../handle.js";
import { binaryKernel, castKernel, unaryKernel, whereKernel } from "./elementwise.js";
import { gatherKernel, groupTopKKernel } from "./indexing.js";
import { scatterAddKernel } from "./scatter-add.js";
import { matMulKernel } from "./matmul.js";
import { fillKernel } from "./fill.js";
import { fusedKernels } from "./fused.js";
import { concatKernel, expandKernel, padKernel, permuteKernel, sliceKernel, writeSliceKernel } from "./movement.js";
import { argMaxKernel, reduceMaxKernel, reduceSumKernel } from "./reduce.js";

/** Every primitive and the fused last-axis ops as WGSL programs; `SparseMatMul24` is left to core's decomposition. */
export function createKernelTable(ctx: KernelContext, limits: GPUSupportedLimits): KernelTable<WebGpuHandle> {
  return {
    Neg: unaryKernel(ctx, "Neg"),
    Exp: unaryKernel(ctx, "Exp"),
    Log: unaryKernel(ctx, "Log"),
    Sqrt: unaryKernel(ctx, "Sqrt"),
    Reciprocal: unaryKernel(ctx, "Reciprocal"),
    Tanh: unaryKernel(ctx, "Tanh"),
    Cast: castKernel(ctx),
    Add: binaryKernel(ctx, "Add"),
    Mul: binaryKernel(ctx, "Mul"),
    Pow: binaryKernel(ctx, "Pow"),
    Maximum: binaryKernel(ctx, "Maximum"),
    CmpLt: binaryKernel(ctx, "CmpLt"),
    CmpLe: binaryKernel(ctx, "CmpLe"),
    CmpEq: binaryKernel(ctx, "CmpEq"),
    Where: whereKernel(ctx),
    ReduceSum: reduceSumKernel(ctx),
    ReduceMax: reduceMaxKernel(ctx),
    ArgMax: argMaxKernel(ctx),
    Permute: permuteKernel(ctx),
    Expand: expandKernel(ctx),
    Slice: sliceKernel(ctx),
    Pad: padKernel(ctx),
    Concat: concatKernel(ctx),
    WriteSlice: writeSliceKernel(ctx),
    MatMul: matMulKernel(ctx, limits.maxComputeWorkgroupsPerDimension, limits.maxComputeWorkgroupStorageSize, Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize)),
    Gather: gatherKernel(ctx),
    ScatterAdd: scatterAddKernel(ctx),
    GroupTopK: groupTopKKernel(ctx),
    Fill: fillKernel(ctx),
    ...fusedKernels(ctx),
  };
}
