import type { BufferInfo, Kernel, KernelTable, TypedArray } from "@adaptive-sparse/core";
import type { WasmEngine } from "../wasm/engine.js";
import { runRowTasks } from "./row-tasks.js";
import { ROWWISE_OPS, type RowwiseOp } from "./rowwise-ops.js";

type Info = BufferInfo<TypedArray>;

/**
 * Runs a fused op on f32 arrays in WebAssembly, the rows split over the engine's threads. Backend buffers
 * are read and written in place; host arrays are copied in and out (4 bytes per element each way, about
 * 0.5 ns, against 15-30 ns per element for Math.exp/Math.tanh in the JavaScript kernels).
 * `inputs` are the op's inputs in core's order: (x) for the forward ops, (grad, x) or (grad, y) for the
 * gradients; `width` is the row length (the last axis).
 */
export function runRowwise(engine: WasmEngine, op: RowwiseOp, out: Float32Array, inputs: readonly Float32Array[], width: number, eps = 0): void {
  const size = out.length;
  if (size === 0) return;
  const rows = size / width;
  const code = engine.rowOps[op];
  const epsBits = new Int32Array(new Float32Array([eps]).buffer)[0]!;
  engine.placeRows(rows, [...inputs.map((input) => [input, "in", width] as const), [out, "out", width] as const], (pointers, _first, slice) => {
    // x is the input the op reads per element (the last one); y the incoming gradient, if any.
    const x = pointers[inputs.length - 1]!;
    const y = inputs.length > 1 ? pointers[0]! : 0;
    const result = pointers[inputs.length]!;
    runRowTasks(engine, slice, width, (start, count) => {
      const offset = start * width * 4;
      return [engine.kinds.rowwise, code, count, width, x + offset, y ? y + offset : 0, result + offset, epsBits];
    });
  });
}

/**
 * Kernels for every op in {@link ROWWISE_OPS}: f32 runs in WebAssembly, other dtypes (f64 gradient checks)
 * in `fallback`'s reference kernels.
 */
export function createRowwiseKernels(engine: WasmEngine, fallback: KernelTable<TypedArray>): Partial<KernelTable<TypedArray>> {
  const table: Record<string, Kernel<unknown, TypedArray>> = {};
  for (const op of Object.keys(ROWWISE_OPS) as RowwiseOp[]) {
    const reference = fallback[op] as Kernel<unknown, TypedArray>;
    table[op] = (out: Info, inputs: readonly Info[], attrs: unknown) => {
      if (out.dtype !== "f32" || inputs.some((input) => input.dtype !== "f32")) return reference(out, inputs, attrs);
      const width = out.shape[out.shape.length - 1] ?? 1;
      const eps = (attrs as { eps?: number } | undefined)?.eps ?? 0;
      runRowwise(engine, op, out.handle as Float32Array, inputs.map((input) => input.handle as Float32Array), width, eps);
    };
  }
  return table as Partial<KernelTable<TypedArray>>;
}
