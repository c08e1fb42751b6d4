import { sizeOf, type BufferInfo, type DType, type OpAttrs } from "@adaptive-sparse/core";
import { threadGrid, type KernelContext } from "../context.js";
import type { WebGpuHandle } from "../handle.js";
import { fillProgram } from "../programs/fill.js";

type Info = BufferInfo<WebGpuHandle>;

/** The stored 32-bit word of `value` in `dtype`, rounded/wrapped as the cpu backend's typed-array store does. */
export function fillWord(value: number, dtype: DType): number {
  if (dtype === "f32") return new Uint32Array(Float32Array.of(value).buffer)[0];
  if (dtype === "i32") return Int32Array.of(value)[0] >>> 0;
  return Uint8Array.of(value)[0];
}

/** Fill: a device-side fill (a clear when the word is zero), no host upload. */
export function fillKernel(ctx: KernelContext) {
  return (out: Info, _inputs: readonly Info[], { value }: OpAttrs["Fill"]): void => {
    const n = sizeOf(out.shape);
    if (n === 0) return;
    const word = fillWord(value, out.dtype);
    if (word === 0) return ctx.clear("Fill", { info: out, role: "output" });
    ctx.run("Fill", fillProgram(), [{ info: out, role: "output" }], [n, word], threadGrid(ctx, n));
  };
}
