import { ShapeError, type BufferInfo, type Kernel, type TypedArray } from "@adaptive-sparse/core";
import type { RowOperand, WasmEngine } from "../wasm/engine.js";
import { runRowTasks } from "./row-tasks.js";

type Info = BufferInfo<TypedArray>;

/** Every target is a class index or ignoreIndex; the kernels index rows with them unchecked. */
function checkTargets(targets: TypedArray, classes: number, ignoreIndex: number): void {
  for (let n = 0; n < targets.length; n++) {
    const t = targets[n]!;
    if (t !== ignoreIndex && !(t >= 0 && t < classes)) {
      throw new ShapeError(`SoftmaxCrossEntropy: target ${t} at row ${n} is out of range for ${classes} classes (valid: 0..${classes - 1}, or the ignoreIndex ${ignoreIndex})`);
    }
  }
}

type Pair = { SoftmaxCrossEntropy: Kernel<unknown, TypedArray>; SoftmaxCrossEntropyGrad: Kernel<unknown, TypedArray> };

/** The logits' row n: its max and Σ e^(x − max). */
function rowStats(x: TypedArray, base: number, width: number): [number, number] {
  let m = -Infinity;
  for (let j = 0; j < width; j++) m = Math.max(m, x[base + j]!);
  let total = 0;
  for (let j = 0; j < width; j++) total += Math.exp(x[base + j]! - m);
  return [m, total];
}

/** Plain loops, any dtype: the f64 gradient checks, and the way out when wasm memory is full. */
export const crossEntropyReference: Pair = {
  SoftmaxCrossEntropy: (out: Info, [logits, targets]: readonly Info[], attrs: unknown) => {
    const { ignoreIndex } = attrs as { ignoreIndex: number };
    const [o, x, t] = [out.handle, logits!.handle, targets!.handle];
    const width = logits!.shape[1]!;
    checkTargets(t, width, ignoreIndex);
    for (let n = 0; n < t.length; n++) {
      if (t[n] === ignoreIndex) {
        o[n] = 0;
        continue;
      }
      const [m, total] = rowStats(x, n * width, width);
      o[n] = m + Math.log(total) - x[n * width + t[n]!]!;
    }
  },
  SoftmaxCrossEntropyGrad: (out: Info, [g, logits, targets]: readonly Info[], attrs: unknown) => {
    const { ignoreIndex } = attrs as { ignoreIndex: number };
    const [o, gh, x, t] = [out.handle, g!.handle, logits!.handle, targets!.handle];
    const width = logits!.shape[1]!;
    checkTargets(t, width, ignoreIndex);
    for (let n = 0; n < t.length; n++) {
      const base = n * width;
      if (t[n] === ignoreIndex) {
        o.fill(0, base, base + width);
        continue;
      }
      const [m, total] = rowStats(x, base, width);
      for (let j = 0; j < width; j++) o[base + j] = (gh[n]! * Math.exp(x[base + j]! - m)) / total;
      o[base + t[n]!]! -= gh[n]!;
    }
  },
} as Pair;

/**
 * SoftmaxCrossEntropy (per-row loss of [N, V] logits) and its gradient: f32 in WebAssembly on the pool,
 * rows split over the threads, other dtypes in JavaScript. Replaces log-softmax, the gather of the targets'
 * log-probabilities and their gradients: no [N, V] log-probability tensor, one pass per row each way.
 */
export function createCrossEntropyKernels(engine: WasmEngine): Pair {
  const run = (grad: boolean, out: Info, logits: Info, targets: Info, g: Info | null, ignoreIndex: number) => {
    const width = logits.shape[1]!;
    const rows = logits.shape[0]!;
    if (rows === 0) return;
    const operands: RowOperand[] = [[logits.handle, "in", width], [targets.handle, "in", 1], ...(g ? [[g.handle, "in", 1] as RowOperand] : []), [out.handle, "out", grad ? width : 1]];
    engine.placeRows(rows, operands, (pointers, _first, slice) => {
      const [px, pt, pg, po] = g ? pointers : [pointers[0], pointers[1], 0, pointers[2]];
      runRowTasks(engine, slice, width, (start, count) => {
        // Row outputs (the loss, g) advance 4 bytes a row, logit rows (logits, the gradient) width * 4.
        const row = start * 4;
        const logitRow = start * width * 4;
        return [engine.kinds.crossEntropy, grad ? 1 : 0, count, width, px! + logitRow, pt! + row, pg ? pg + row : 0, po! + (grad ? logitRow : row), ignoreIndex];
      });
    });
  };
  return {
    SoftmaxCrossEntropy: (out: Info, [logits, targets]: readonly Info[], attrs: unknown) => {
      const { ignoreIndex } = attrs as { ignoreIndex: number };
      if (out.dtype !== "f32" || logits!.dtype !== "f32") return crossEntropyReference.SoftmaxCrossEntropy(out, [logits!, targets!], attrs);
      checkTargets(targets!.handle, logits!.shape[1]!, ignoreIndex);
      run(false, out, logits!, targets!, null, ignoreIndex);
    },
    SoftmaxCrossEntropyGrad: (out: Info, [g, logits, targets]: readonly Info[], attrs: unknown) => {
      const { ignoreIndex } = attrs as { ignoreIndex: number };
      if (out.dtype !== "f32" || g!.dtype !== "f32" || logits!.dtype !== "f32") return crossEntropyReference.SoftmaxCrossEntropyGrad(out, [g!, logits!, targets!], attrs);
      checkTargets(targets!.handle, logits!.shape[1]!, ignoreIndex);
      run(true, out, logits!, targets!, g!, ignoreIndex);
    },
  } as Pair;
}
