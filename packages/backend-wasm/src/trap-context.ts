import type { BufferInfo, TypedArray } from "@adaptive-sparse/core";
import { WasmKernelError } from "./errors.js";

/**
 * The outermost layer of a trap report: the pool knows the thread and the reason, the engine the task
 * kind and the SIMD build, and only the backend's kernel (or host-array entry point) knows the op and its
 * operands, which these add.
 */

/**
 * "inputs f32[512,128], f32[384,128]; output f32[512,384]": what a trap message reports of a kernel call
 * (in-place kernels such as AdamWStep have a list of targets instead of one output).
 */
export function describeOperands(out: BufferInfo<TypedArray> | readonly BufferInfo<TypedArray>[], inputs: readonly BufferInfo<TypedArray>[]): string {
  const one = (info: BufferInfo<TypedArray>) => `${info.dtype}[${info.shape.join(",")}]`;
  const result = Array.isArray(out) ? `targets ${out.map(one).join(", ")}` : `output ${one(out as BufferInfo<TypedArray>)}`;
  return `inputs ${inputs.map(one).join(", ") || "none"}; ${result}`;
}

/** Runs `body`; a kernel trap inside it is rethrown naming `op` and its operands (described lazily). */
export function withTrapContext<T>(op: string, operands: () => string, body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof WasmKernelError && error.trap.op === undefined) throw error.with({ op, operands: operands() });
    throw error;
  }
}
