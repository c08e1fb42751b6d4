import { sizeOf, stridesOf, type BufferInfo, type OpAttrs } from "@adaptive-sparse/core";
import { broadcastStrides, collapse } from "../collapse.js";
import { threadGrid, type KernelContext, type TensorArg } from "../context.js";
import type { WebGpuHandle } from "../handle.js";
import { stridedCopyProgram } from "../programs/strided-copy.js";

type Info = BufferInfo<WebGpuHandle>;

/**
 * One strided copy over the iteration space `shape`: `gather` reads the input at `base + Σ coord·strides`
 * into a contiguous output; `scatter` writes a contiguous input to those offsets of the output.
 */
function stridedCopy(ctx: KernelContext, op: string, direction: "gather" | "scatter", x: Info, out: TensorArg, shape: readonly number[], strides: readonly number[], base: number): void {
  const n = sizeOf(shape);
  if (n === 0) return;
  const space = collapse(shape, [strides]);
  const params = [n, space.shape.length, base, ...space.shape, ...space.strides[0]];
  ctx.run(op, stridedCopyProgram(direction), [{ info: x, role: "input" }, out], params, threadGrid(ctx, n));
}

export function permuteKernel(ctx: KernelContext) {
  return (out: Info, [x]: readonly Info[], { perm }: OpAttrs["Permute"]): void => {
    const strides = stridesOf(x.shape);
    stridedCopy(ctx, "Permute", "gather", x, { info: out, role: "output" }, out.shape, perm.map((axis) => strides[axis]), 0);
  };
}

export function expandKernel(ctx: KernelContext) {
  return (out: Info, [x]: readonly Info[]): void => {
    stridedCopy(ctx, "Expand", "gather", x, { info: out, role: "output" }, out.shape, broadcastStrides(x.shape, out.shape), 0);
  };
}

export function sliceKernel(ctx: KernelContext) {
  return (out: Info, [x]: readonly Info[], { begin }: OpAttrs["Slice"]): void => {
    const strides = stridesOf(x.shape);
    const base = begin.reduce((acc, start, i) => acc + start * strides[i], 0);
    stridedCopy(ctx, "Slice", "gather", x, { info: out, role: "output" }, out.shape, strides, base);
  };
}

/** Pad: zero the output, then scatter the input into its interior. */
export function padKernel(ctx: KernelContext) {
  return (out: Info, [x]: readonly Info[], { before }: OpAttrs["Pad"]): void => {
    const target: TensorArg = { info: out, role: "output" };
    ctx.clear("Pad", target);
    const strides = stridesOf(out.shape);
    const base = before.reduce((acc, n, i) => acc + n * strides[i], 0);
    stridedCopy(ctx, "Pad", "scatter", x, target, x.shape, strides, base);
  };
}

/** Concat: each input scatters its `[outer, chunk]` block into its column range of the output rows. */
export function concatKernel(ctx: KernelContext) {
  return (out: Info, inputs: readonly Info[], { axis }: OpAttrs["Concat"]): void => {
    const inner = sizeOf(out.shape.slice(axis + 1));
    const outer = sizeOf(out.shape.slice(0, axis));
    const rowLength = out.shape[axis] * inner;
    const target: TensorArg = { info: out, role: "output" };
    let column = 0;
    for (const input of inputs) {
      const chunk = input.shape[axis] * inner;
      scatterBlock(ctx, "Concat", input, target, outer, chunk, rowLength, column);
      column += chunk;
    }
  };
}

/** Scatters `x`'s `outer` rows of `chunk` elements into the output's rows of `rowLength`, each from element `column`. */
function scatterBlock(ctx: KernelContext, op: string, x: Info, out: TensorArg, outer: number, chunk: number, rowLength: number, column: number): void {
  stridedCopy(ctx, op, "scatter", x, out, [outer, chunk], [rowLength, 1], column);
}

/** WriteSlice in place: the source scatters its `[outer, chunk]` block into columns from `start` of the target's rows. */
export function writeSliceKernel(ctx: KernelContext) {
  return ([target]: readonly Info[], [source]: readonly Info[], { axis, start }: OpAttrs["WriteSlice"]): void => {
    const inner = sizeOf(target.shape.slice(axis + 1));
    const outer = sizeOf(target.shape.slice(0, axis));
    scatterBlock(ctx, "WriteSlice", source, { info: target, role: "inout" }, outer, source.shape[axis]! * inner, target.shape[axis]! * inner, start * inner);
  };
}
