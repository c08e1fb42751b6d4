import { stridesOf, type BufferInfo, type Kernel, type KernelTable, type TypedArray } from "@adaptive-sparse/core";
import { TASK_FIELDS, type WasmEngine } from "../wasm/engine.js";
import { splitRange } from "./gemm-plan.js";

type Info = BufferInfo<TypedArray>;

/** Below this many elements the JavaScript loop stays (copies and waking the pool cost more). */
const MIN_ELEMENTS = 32768;
/** Each task copies at least this many elements. */
const MIN_TASK_ELEMENTS = 16384;

/**
 * Where each output row (the last output axis) starts in the input, in elements: the outer output axes
 * walk an odometer over the permuted input strides (as core's forEachRow does).
 */
export function rowOffsets(outShape: readonly number[], strides: readonly number[]): Int32Array {
  const outer = outShape.slice(0, -1);
  const rows = outer.reduce((n, d) => n * d, 1);
  const offsets = new Int32Array(rows);
  const index = new Array<number>(outer.length).fill(0);
  let offset = 0;
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
    const size = out.handle.length;
    const wordSized = (out.dtype === "f32" || out.dtype === "i32") && x.dtype === out.dtype;
    if (!wordSized || size < MIN_ELEMENTS || out.shape.length < 2) return reference(out, inputs, attrs);
    const inStrides = stridesOf(x.shape);
    const strides = attrs.perm.map((axis) => inStrides[axis]!);
    const length = out.shape[out.shape.length - 1]!;
    const offsets = rowOffsets(out.shape, strides);
    const rows = offsets.length;
    engine.place([[x.handle, "in"], [offsets, "in"], [out.handle, "out"]], ([px, po, pout]) => {
      const pieces = splitRange(rows, engine.threads * 2, 1, Math.max(1, Math.ceil(MIN_TASK_ELEMENTS / length)));
      const tasks = new Int32Array(pieces.length * TASK_FIELDS);
      pieces.forEach(([r0, count], t) => tasks.set([engine.kinds.gatherRows, r0, count, length, strides[strides.length - 1]!, po!, px!, pout!], t * TASK_FIELDS));
      engine.runTasks(tasks);
    });
  };
}
