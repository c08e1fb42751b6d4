import { stridesOf, type BufferInfo, type Kernel, type KernelTable, type TypedArray } from "@adaptive-sparse/core";
import { pushTask, type WasmEngine } from "../wasm/engine.js";
import { splitRange } from "./gemm-plan.js";
import { MIN_TASK_ELEMENTS, runRowTasks } from "./row-tasks.js";

type Info = BufferInfo<TypedArray>;

/** Below this many elements the JavaScript loop stays (copies and waking the pool cost more). */
const MIN_ELEMENTS = 32768;

/**
 * Where each output row (the last output axis) starts in the input, in elements, from `base` (a slice's
 * corner): the outer output axes walk an odometer over the permuted input strides (as core's forEachRow does).
 */
export function rowOffsets(outShape: readonly number[], strides: readonly number[], base = 0): Int32Array {
  const outer = outShape.slice(0, -1);
  const rows = outer.reduce((n, d) => n * d, 1);
  const offsets = new Int32Array(rows);
  const index = new Array<number>(outer.length).fill(0);
  let offset = base;
  for (let r = 0; r < rows; r++) {
    offsets[r] = offset;
    for (let axis = outer.length - 1; axis >= 0; axis--) {
      if (++index[axis]! < outer[axis]!) {
        offset += strides[axis]!;
        break;
      }
      offset -= strides[axis]! * (outer[axis]! - 1);
      index[axis] = 0;
    }
  }
  return offsets;
}

/** f32 or i32 in and out, and enough elements that the pool pays off. */
function wordSizedAndLarge(out: Info, x: Info): boolean {
  return (out.dtype === "f32" || out.dtype === "i32") && x.dtype === out.dtype && out.handle.length >= MIN_ELEMENTS && out.shape.length >= 2;
}

/** out's rows (the last axis) gathered from x, row r from offsets[r] with `stride`, split over the threads. */
function gatherRows(engine: WasmEngine, x: TypedArray, offsets: Int32Array, out: TypedArray, length: number, stride: number): void {
  engine.place([[x, "in"], [offsets, "in"], [out, "out"]], ([px, po, pout]) =>
    runRowTasks(engine, offsets.length, length, (r0, count) => [engine.kinds.gatherRows, r0, count, length, stride, po!, px!, pout!]),
  );
}

/**
 * Permute of f32 or i32 tensors in WebAssembly on the pool: each output row is a block copy (or a strided
 * gather when the last output axis is not contiguous in the input), so results equal the cpu kernel's bit
 * for bit; small tensors, other dtypes and rank 0 go to `fallback`. In JavaScript the strided walk runs at
 * about 2 ns per element (the attention's [B, T, H, D] <-> [B, H, T, D] permutes of a GPT step).
 */
export function createPermuteKernel(engine: WasmEngine, fallback: KernelTable<TypedArray>): Kernel<{ perm: number[] }, TypedArray> {
  const reference = fallback.Permute as Kernel<{ perm: number[] }, TypedArray>;
  return (out: Info, inputs: readonly Info[], attrs) => {
    const [x] = inputs as [Info];
    if (!wordSizedAndLarge(out, x)) return reference(out, inputs, attrs);
    const inStrides = stridesOf(x.shape);
    const strides = attrs.perm.map((axis) => inStrides[axis]!);
    const length = out.shape[out.shape.length - 1]!;
    const stride = strides[strides.length - 1]!;
    gatherRows(engine, x.handle, rowOffsets(out.shape, strides), out.handle, length, stride);
  };
}

/**
 * Slice (f32/i32, large) as the same row gathers: the rows of the sliced box, each a block copy from where
 * it starts in the input (the qkv split of attention: [B, T, 3C] into three [B, T, C]).
 */
export function createSliceKernel(engine: WasmEngine, fallback: KernelTable<TypedArray>): Kernel<{ begin: number[]; size: number[] }, TypedArray> {
  const reference = fallback.Slice as Kernel<{ begin: number[]; size: number[] }, TypedArray>;
  return (out: Info, inputs: readonly Info[], attrs) => {
    const [x] = inputs as [Info];
    if (!wordSizedAndLarge(out, x)) return reference(out, inputs, attrs);
    const inStrides = stridesOf(x.shape);
    const base = attrs.begin.reduce((sum, start, axis) => sum + start * inStrides[axis]!, 0);
    const offsets = rowOffsets(out.shape, inStrides, base);
    const length = out.shape[out.shape.length - 1]!;
    gatherRows(engine, x.handle, offsets, out.handle, length, 1);
  };
}

/**
 * Concat (f32/i32, large) as block copies on the pool, all inputs in one run: input i's `outer` rows (every
 * axis before `axis`) of `shape[axis]·inner` words each go to their column of the output's rows. A KV cache's
 * append is such a concat along the positions ([B, nh, T, hs]), and copies the whole cache every token; in
 * JavaScript it ran on one thread at about 18 GB/s.
 */
export function createConcatKernel(engine: WasmEngine, fallback: KernelTable<TypedArray>): Kernel<{ axis: number }, TypedArray> {
  const reference = fallback.Concat as Kernel<{ axis: number }, TypedArray>;
  return (out: Info, inputs: readonly Info[], attrs) => {
    const words = out.dtype === "f32" || out.dtype === "i32";
    if (!words || out.handle.length < MIN_ELEMENTS || inputs.some((x) => x.dtype !== out.dtype)) return reference(out, inputs, attrs);
    const { axis } = attrs;
    const outer = out.shape.slice(0, axis).reduce((n, d) => n * d, 1);
    const inner = out.shape.slice(axis + 1).reduce((n, d) => n * d, 1);
    const rowLength = out.shape[axis]! * inner;
    engine.place([...inputs.map((x) => [x.handle, "in"] as const), [out.handle, "out"] as const], (pointers) => {
      const pout = pointers[inputs.length]!;
      const tasks: number[] = [];
      let column = 0;
      inputs.forEach((x, i) => {
        const chunk = x.shape[axis]! * inner;
        if (chunk > 0) {
          for (const [r0, count] of splitRange(outer, engine.threads * 2, 1, Math.max(1, Math.ceil(MIN_TASK_ELEMENTS / chunk)))) {
            pushTask(tasks, engine.kinds.copyRows, r0, count, chunk, chunk, rowLength, pointers[i]!, pout + column * 4);
          }
        }
        column += chunk;
      });
      engine.runTasks(Int32Array.from(tasks));
    });
  };
}
