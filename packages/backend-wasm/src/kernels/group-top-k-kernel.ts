import { NonFiniteError, groupTopKNaNMessage, type BufferInfo, type Kernel, type KernelTable, type TypedArray } from "@adaptive-sparse/core";
import type { WasmEngine } from "../wasm/engine.js";
import { runRowTasks } from "./row-tasks.js";

type Info = BufferInfo<TypedArray>;

/** Below this many scores the JavaScript loop stays (copies and waking the pool cost more). */
const MIN_ELEMENTS = 32768;

/**
 * GroupTopK for f32 scores in groups of 4 (N:4, 2:4 above all) in WebAssembly SIMD on the pool: the same
 * masks as the cpu kernel (each score's place counted in core's order), about 25 times faster (2:4 over a
 * 3072 x 768 weight: 24 ms in JavaScript, under 1 ms here). Other group sizes and dtypes go to `fallback`.
 */
export function createGroupTopKKernel(engine: WasmEngine, fallback: KernelTable<TypedArray>): Kernel<unknown, TypedArray> {
  const reference = fallback.GroupTopK as Kernel<unknown, TypedArray>;
  return (out: Info, inputs: readonly Info[], attrs: unknown) => {
    const [scores] = inputs as [Info];
    const { n, m } = attrs as { n: number; m: number };
    if (m !== 4 || scores.dtype !== "f32" || out.dtype !== "u8" || scores.handle.length < MIN_ELEMENTS) return reference(out, inputs, attrs);
    const groups = scores.handle.length / 4;
    let firstNaN = -1;
    engine.placeRows(groups, [[scores.handle, "in", 4], [out.handle, "out", 4]], ([ps, po], first, count) => {
      if (firstNaN >= 0) return;
      // One i32 per task (runRowTasks makes at most two per thread): the first NaN's index in it, or -1.
      engine.withBlocks([engine.threads * 2 * 4], ([status]) => {
        const starts: number[] = [];
        runRowTasks(engine, count, 4, (start, groupCount) => {
          const slot = status! + starts.length * 4;
          starts.push(start);
          return [engine.kinds.groupTopK4, n, groupCount, ps! + start * 16, po! + start * 4, slot];
        });
        const found = new Int32Array(engine.memory.buffer, status!, starts.length);
        for (let t = 0; t < starts.length; t++) {
          if (found[t]! >= 0) {
            firstNaN = (first + starts[t]!) * 4 + found[t]!;
            break;
          }
        }
      });
    });
    if (firstNaN >= 0) {
      const width = scores.shape[scores.shape.length - 1]!;
      throw new NonFiniteError(groupTopKNaNMessage(Math.floor(firstNaN / width), firstNaN % width));
    }
  };
}
