import { collapse } from "../collapse.js";

/** How a kernel thread finds its element in one input of a broadcasting op. */
export type ReadMode = "same" | "scalar" | "strided";

/**
 * Parameters for a broadcasting elementwise op: `[n, rank, shape..., strides of input 0..., strides of
 * input 1..., ...]` over the collapsed output space, plus each input's read mode (part of the shader key).
 */
export interface BroadcastPlan {
  params: number[];
  modes: ReadMode[];
}

export function planBroadcast(outShape: readonly number[], inputStrides: readonly (readonly number[])[], inputSizes: readonly number[], n: number): BroadcastPlan {
  const space = collapse(outShape, inputStrides);
  const rank = space.shape.length;
  const modes = inputSizes.map((size, k): ReadMode => {
    if (size === 1) return "scalar";
    // Same layout as the output: after collapsing, its strides are the contiguous ones.
    let contiguous = 1;
    for (let d = rank - 1; d >= 0; d--) {
      if (space.strides[k][d] !== contiguous) return "strided";
      contiguous *= space.shape[d];
    }
    return "same";
  });
  return { params: [n, rank, ...space.shape, ...space.strides.flat()], modes };
}

/** WGSL expression for input `k`'s offset of element `i` under `mode`. */
export function readIndex(mode: ReadMode, k: number): string {
  if (mode === "same") return "i";
  if (mode === "scalar") return "0u";
  return `offsetOf(i, p[1], 2u, 2u + p[1] * ${k + 1}u)`;
}
