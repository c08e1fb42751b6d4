import type { BufferInfo, Kernel, KernelTable, TypedArray } from "@adaptive-sparse/core";
import type { RowOperand, WasmEngine } from "../wasm/engine.js";
import { runRowTasks } from "./row-tasks.js";

type Info = BufferInfo<TypedArray>;
type Pair = { SoftmaxKL: Kernel<unknown, TypedArray>; SoftmaxKLGrad: Kernel<unknown, TypedArray> };

/**
 * SoftmaxKL (core's per-row distillation KL of [N, V] student and teacher logits) and its gradient: f32 in
 * WebAssembly on the pool, rows split over the threads and host arrays placed a slice of rows at a time;
 * other dtypes in `fallback`'s kernels (the cpu backend's, in doubles). One pass over both rows for their
 * statistics and one for the result, where the decomposition made about ten [N, V] tensors.
 */
export function createSoftmaxKLKernels(engine: WasmEngine, fallback: KernelTable<TypedArray>): Pair {
  const reference = { SoftmaxKL: fallback.SoftmaxKL!, SoftmaxKLGrad: fallback.SoftmaxKLGrad! } as Pair;
  const run = (grad: boolean, out: Info, student: Info, teacher: Info, g: Info | null, temperature: number) => {
    const [rows, width] = student.shape as [number, number];
    if (rows === 0) return;
    const invBits = new Int32Array(new Float32Array([1 / temperature]).buffer)[0]!;
    const operands: RowOperand[] = [[student.handle, "in", width], [teacher.handle, "in", width], ...(g ? [[g.handle, "in", 1] as RowOperand] : []), [out.handle, "out", grad ? width : 1]];
    engine.placeRows(rows, operands, (pointers, _first, slice) => {
      const [ps, pt, pg, po] = g ? pointers : [pointers[0], pointers[1], 0, pointers[2]];
      runRowTasks(engine, slice, width, (start, count) => {
        const row = start * 4; // the loss and g: one f32 a row
        const logitRow = start * width * 4;
        return [engine.kinds.softmaxKL, grad ? 1 : 0, count, width, ps! + logitRow, pt! + logitRow, pg ? pg + row : 0, po! + (grad ? logitRow : row), invBits];
      });
    });
  };
  return {
    SoftmaxKL: (out: Info, inputs: readonly Info[], attrs: unknown) => {
      const [student, teacher] = inputs as [Info, Info];
      if (out.dtype !== "f32" || student.dtype !== "f32" || teacher.dtype !== "f32") return reference.SoftmaxKL(out, inputs, attrs);
      run(false, out, student, teacher, null, (attrs as { temperature: number }).temperature);
    },
    SoftmaxKLGrad: (out: Info, inputs: readonly Info[], attrs: unknown) => {
      const [g, student, teacher] = inputs as [Info, Info, Info];
      if (out.dtype !== "f32" || g.dtype !== "f32" || student.dtype !== "f32") return reference.SoftmaxKLGrad(out, inputs, attrs);
      run(true, out, student, teacher, g, (attrs as { temperature: number }).temperature);
    },
  };
}
