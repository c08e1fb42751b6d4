import { reductionSplit, type BufferInfo, type Kernel, type KernelTable, type TypedArray } from "@adaptive-sparse/core";
import { pushTask, type WasmEngine } from "../wasm/engine.js";
import { splitRange } from "./gemm-plan.js";

type Info = BufferInfo<TypedArray>;

/** Below this many input elements the JavaScript loop stays (copies and waking the pool cost more). */
const MIN_ELEMENTS = 32768;

/**
 * ReduceSum for f32 in WebAssembly when the reduced axes are contiguous and something stays behind them
 * (inner ≥ 2: bias gradients, [B, T, C] -> [1, 1, C]), accumulated in f64 in core's order, so the results
 * equal the cpu kernel's bit for bit. Sums over the last axis and everything else go to `fallback`.
 */
export function createReduceSumKernel(engine: WasmEngine, fallback: KernelTable<TypedArray>): Kernel<unknown, TypedArray> {
  const reference = fallback.ReduceSum as Kernel<unknown, TypedArray>;
  // Each task keeps one f64 per output column it owns in its scratch.
  const maxColumns = Math.floor(engine.kernels.taskWorkBytes() / 8);
  return (out: Info, inputs: readonly Info[], attrs: unknown) => {
    const [x] = inputs as [Info];
    const split = out.dtype === "f32" && x.dtype === "f32" && x.handle.length >= MIN_ELEMENTS ? reductionSplit(x.shape, out.shape) : null;
    if (!split || split[2] < 2 || split[2] > maxColumns) return reference(out, inputs, attrs);
    const [outer, length, inner] = split;
    const input = x.handle as Float32Array;
    engine.place([[input, "in"], [out.handle, "out"]], ([px, po]) => {
      const tasks: number[] = [];
      const push = (p0: number, pCount: number, q0: number, qCount: number) => pushTask(tasks, engine.kinds.reduceSum, p0, pCount, length, inner, q0, qCount, px!, po!);
      // Many outer slices: split those; else split the columns (even counts, so pairs of lanes stay whole).
      const parts = engine.threads * 2;
      if (outer >= parts) {
        for (const [p0, count] of splitRange(outer, parts, 1, 1)) push(p0, count, 0, inner);
      } else {
        for (let p = 0; p < outer; p++) for (const [q0, count] of splitRange(inner, parts, 2, 64)) push(p, 1, q0, count);
      }
      engine.runTasks(Int32Array.from(tasks));
    });
  };
}
