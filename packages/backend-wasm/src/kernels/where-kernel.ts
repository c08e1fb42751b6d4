import { broadcastRead, type BufferInfo, type Kernel, type KernelTable, type TypedArray } from "@adaptive-sparse/core";
import { TASK_FIELDS, type WasmEngine } from "../wasm/engine.js";
import { splitRange } from "./gemm-plan.js";

type Info = BufferInfo<TypedArray>;

/** Below this many output elements the JavaScript loop stays (copies and waking the pool cost more). */
const MIN_ELEMENTS = 32768;
/** Each task writes at least this many elements. */
const MIN_TASK_ELEMENTS = 16384;

/** A value operand read whole (the output's shape) or as one value; null for other broadcasts. */
function valueRead(input: Info, out: Info): "whole" | "one" | null {
  const read = broadcastRead(input.shape, out.shape);
  if (read.kind === "same") return "whole";
  return read.kind === "row" && read.size === 1 ? "one" : null;
}

/**
 * Where for f32 values and a u8 condition in WebAssembly on the pool, when the condition is the output's
 * shape or a trailing block repeated over it (the causal mask) and each value is the output's shape or a
 * single value: a bit select, equal to the cpu kernel bit for bit. Everything else goes to `fallback`.
 */
export function createWhereKernel(engine: WasmEngine, fallback: KernelTable<TypedArray>): Kernel<unknown, TypedArray> {
  const reference = fallback.Where as Kernel<unknown, TypedArray>;
  return (out: Info, inputs: readonly Info[], attrs: unknown) => {
    const [cond, x, y] = inputs as [Info, Info, Info];
    const size = out.handle.length;
    if (out.dtype !== "f32" || x.dtype !== "f32" || y.dtype !== "f32" || cond.dtype !== "u8" || size < MIN_ELEMENTS) return reference(out, inputs, attrs);
    const c = broadcastRead(cond.shape, out.shape);
    const period = c.kind === "same" ? size : c.kind === "row" ? c.size : 0;
    const [aRead, bRead] = [valueRead(x, out), valueRead(y, out)];
    if (period < 4 || !aRead || !bRead) return reference(out, inputs, attrs);
    const [a, b] = [x.handle as Float32Array, y.handle as Float32Array];
    const blocks = size / period;
    engine.place([[(cond.handle as Uint8Array).subarray(0, period), "in"], [a, "in"], [b, "in"], [out.handle, "out"]], ([pc, pa, pb, po]) => {
      const tasks: number[][] = [];
      const push = (s0: number, count: number, j0: number, width: number) =>
        tasks.push([engine.kinds.where, s0, count, period, j0, width, pc!, pa!, aRead === "one" ? 1 : 0, pb!, bRead === "one" ? 1 : 0, po!]);
      // Many blocks: split those; else split each block's columns (multiples of 4 keep the SIMD lanes whole).
      const parts = engine.threads * 2;
      if (blocks >= parts) for (const [s0, count] of splitRange(blocks, parts, 1, Math.max(1, Math.ceil(MIN_TASK_ELEMENTS / period)))) push(s0, count, 0, period);
      else for (let s = 0; s < blocks; s++) for (const [j0, width] of splitRange(period, parts, 4, MIN_TASK_ELEMENTS)) push(s, 1, j0, width);
      const descriptors = new Int32Array(tasks.length * TASK_FIELDS);
      tasks.forEach((fields, t) => descriptors.set(fields, t * TASK_FIELDS));
      engine.runTasks(descriptors);
    });
  };
}
