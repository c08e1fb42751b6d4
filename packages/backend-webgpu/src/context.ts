import type { BufferInfo } from "@adaptive-sparse/core";
import type { WebGpuHandle } from "./handle.js";

/** A grid of workgroups. */
export type Grid = readonly [number, number, number];

/**
 * A tensor a program binds. `input`s are read (and zero-filled first if never written); an `output` is
 * written completely by the kernel, possibly over several dispatches (Concat) or after a clear (Pad); an
 * `inout` is updated in place (AdamWStep): zero-filled first if never written, like an input.
 */
export interface TensorArg {
  readonly info: BufferInfo<WebGpuHandle>;
  readonly role: "input" | "output" | "inout";
}

/** What kernels see of the backend: recording programs, clearing buffers, scratch space, the error buffer. */
export interface KernelContext {
  /** Records `code` with `params` at binding 0 and `args` at bindings 1.. (raw GPUBuffers bind whole). */
  run(op: string, code: string, args: readonly (TensorArg | GPUBuffer)[], params: readonly number[], grid: Grid): void;
  /** Zero-fills a tensor or scratch buffer (recorded in order with the programs). */
  clear(op: string, target: TensorArg | GPUBuffer): void;
  /** A scratch buffer of at least `bytes`, valid for the current batch; contents undefined. */
  scratch(bytes: number): GPUBuffer;
  /** The error buffer validating programs bind (marks an error check as due). */
  errorBuffer(): GPUBuffer;
  /** Whether the device has the `subgroups` feature (row kernels then reduce with subgroup operations). */
  readonly subgroups: boolean;
  /** GEMM operand precision in shared memory (`precision` option; f32 accumulation either way). */
  readonly precision: "f32" | "f16";
  /** A grid covering `items` workgroups (folded into two dimensions past the per-dimension limit). */
  grid(items: number): Grid;
}

/** A 1-D grid for `threads` threads of `perGroup` each. */
export function threadGrid(ctx: KernelContext, threads: number, perGroup = 256): Grid {
  return ctx.grid(Math.ceil(threads / perGroup));
}
