import type { BufferInfo, Kernel, TypedArray } from "@adaptive-sparse/core";
import type { RowOperand, WasmEngine } from "../wasm/engine.js";
import { runRowTasks } from "./row-tasks.js";

type Info = BufferInfo<TypedArray>;

const f32Bits = (value: number) => new Int32Array(new Float32Array([value]).buffer)[0]!;

/** Row r of [..., T, T] is query r % T, which sees keys 0..r % T. */
function forEachQuery(out: Info, body: (base: number, visible: number, width: number) => void): void {
  const width = out.shape[out.shape.length - 1]!;
  for (let r = 0; r < out.handle.length / width; r++) body(r * width, (r % width) + 1, width);
}

type Pair = { CausalSoftmax: Kernel<unknown, TypedArray>; CausalSoftmaxGrad: Kernel<unknown, TypedArray> };

/** Plain loops, any dtype: the f64 gradient checks, and the way out when wasm memory is full. */
export const causalSoftmaxReference: Pair = {
  CausalSoftmax: (out: Info, [x]: readonly Info[], attrs: unknown) => {
    const { scale } = attrs as { scale: number };
    const [o, a] = [out.handle, x!.handle];
    forEachQuery(out, (base, visible, width) => {
      let m = -Infinity;
      for (let j = 0; j < visible; j++) m = Math.max(m, scale * a[base + j]!);
      let total = 0;
      for (let j = 0; j < visible; j++) total += Math.exp(scale * a[base + j]! - m);
      for (let j = 0; j < width; j++) o[base + j] = j < visible ? Math.exp(scale * a[base + j]! - m) / total : 0;
    });
  },
  CausalSoftmaxGrad: (out: Info, [g, y]: readonly Info[], attrs: unknown) => {
    const { scale } = attrs as { scale: number };
    const [o, gh, yh] = [out.handle, g!.handle, y!.handle];
    forEachQuery(out, (base, visible, width) => {
      let dot = 0;
      for (let j = 0; j < visible; j++) dot += gh[base + j]! * yh[base + j]!;
      for (let j = 0; j < width; j++) o[base + j] = j < visible ? scale * (yh[base + j]! * (gh[base + j]! - dot)) : 0;
    });
  },
} as Pair;

/**
 * CausalSoftmax and its gradient: f32 in WebAssembly on the pool (rows split over the threads; only each
 * query's visible keys are read and exponentiated), other dtypes in JavaScript. The fused op replaces the
 * scale multiply, the −∞ fill and the softmax of the unfused attention rows, and their three gradients.
 */
export function createCausalSoftmaxKernels(engine: WasmEngine): Pair {
  const run = (grad: boolean, out: Info, x: Info, g: Info | null, scale: number) => {
    const width = out.shape[out.shape.length - 1]!;
    const rows = out.handle.length / width;
    if (rows === 0 || width === 0) return;
    const operands: RowOperand[] = [[x.handle, "in", width], ...(g ? [[g.handle, "in", width] as RowOperand] : []), [out.handle, "out", width]];
    engine.placeRows(rows, operands, (pointers, first, slice) => {
      const [px, pg, po] = g ? pointers : [pointers[0], 0, pointers[1]];
      runRowTasks(engine, slice, width, (start, count) => {
        const offset = start * width * 4;
        return [engine.kinds.causalSoftmax, grad ? 1 : 0, count, width, (first + start) % width, px! + offset, pg ? pg + offset : 0, po! + offset, f32Bits(scale)];
      });
    });
  };
  return {
    CausalSoftmax: (out: Info, [x]: readonly Info[], attrs: unknown) => {
      if (out.dtype !== "f32" || x!.dtype !== "f32") return causalSoftmaxReference.CausalSoftmax(out, [x!], attrs);
      run(false, out, x!, null, (attrs as { scale: number }).scale);
    },
    CausalSoftmaxGrad: (out: Info, [g, y]: readonly Info[], attrs: unknown) => {
      if (out.dtype !== "f32" || g!.dtype !== "f32" || y!.dtype !== "f32") return causalSoftmaxReference.CausalSoftmaxGrad(out, [g!, y!], attrs);
      run(true, out, y!, g!, (attrs as { scale: number }).scale);
    },
  } as Pair;
}
