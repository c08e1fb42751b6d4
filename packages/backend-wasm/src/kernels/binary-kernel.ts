import { broadcastRead, shapesEqual, type BufferInfo, type Kernel, type KernelTable, type TypedArray } from "@adaptive-sparse/core";
import type { WasmEngine } from "../wasm/engine.js";
import { runRowTasks } from "./row-tasks.js";

type Info = BufferInfo<TypedArray>;

/**
 * Below this many elements the JavaScript loop stays: copying into wasm memory and waking the pool cost
 * more than it saves. From here on wasm is 2-4x faster, copies included (a [16, 128, 256] + [256] Add:
 * 2.4 ms in JavaScript within a training step).
 */
const MIN_ELEMENTS = 32768;

/** How one operand is read over the output (see assembly/binary.ts). */
export type BroadcastPattern = { readonly mode: "same" } | { readonly mode: "row"; readonly width: number } | { readonly mode: "col"; readonly width: number } | { readonly mode: "scalar" };

/**
 * How an operand of shape `input` broadcasts to `out`, in the kernel's terms (core's broadcastRead, with its
 * size-1 row block as a scalar): the same shape, a block repeated for every row (`width` its size), one value
 * per block of `width` elements, one value, or null for any other broadcast.
 */
export function broadcastPattern(input: readonly number[], out: readonly number[]): BroadcastPattern | null {
  const read = broadcastRead(input, out);
  if (read.kind === "same") return { mode: "same" };
  if (read.kind === "row") return read.size === 1 ? { mode: "scalar" } : { mode: "row", width: read.size };
  if (read.kind === "col") return { mode: "col", width: read.inner };
  return null;
}

/** Rows × width for elementwise modes, whose split is free: the last axis, doubled while short. */
function elementwiseRows(out: readonly number[], size: number): [number, number] {
  let width = out[out.length - 1] ?? 1;
  let rows = size / width;
  while (width < 1024 && rows % 2 === 0) {
    width *= 2;
    rows /= 2;
  }
  return [rows, width];
}

/** out = a op b on f32 arrays in WebAssembly, b read by `pattern`, the rows split over the pool. */
function runBinary(engine: WasmEngine, op: number, pattern: BroadcastPattern, out: Info, a: Float32Array, b: Float32Array): void {
  const size = out.handle.length;
  const codes = engine.binaryCodes;
  const [rows, width] = pattern.mode === "row" || pattern.mode === "col" ? [size / pattern.width, pattern.width] : elementwiseRows(out.shape, size);
  const mode = codes[pattern.mode];
  // b's elements per row: the same shape's, one per row ("col"), or read whole (a row block, a scalar).
  const bPerRow = pattern.mode === "same" ? width : pattern.mode === "col" ? 1 : 0;
  engine.placeRows(rows, [[a, "in", width], [b, "in", bPerRow], [out.handle, "out", width]], ([pa, pb, po], _first, slice) => {
    runRowTasks(engine, slice, width, (start, count) => {
      const offset = start * width * 4;
      const bAt = pattern.mode === "same" ? pb! + offset : pattern.mode === "col" ? pb! + start * 4 : pb!;
      return [engine.kinds.binary, op, mode, count, width, pa! + offset, bAt, po! + offset];
    });
  });
}

/**
 * Add and Mul for f32 in WebAssembly when one operand has the output's shape and the other is the same
 * shape, a repeated row block, a per-row value or a scalar (both ops commute, so either side may be the
 * broadcast one); everything else (other dtypes, small or unusual broadcasts) goes to `fallback`.
 */
export function createBinaryKernels(engine: WasmEngine, fallback: KernelTable<TypedArray>): Partial<KernelTable<TypedArray>> {
  const make = (name: "Add" | "Mul", op: number): Kernel<unknown, TypedArray> => {
    const reference = fallback[name] as Kernel<unknown, TypedArray>;
    return (out: Info, inputs: readonly Info[], attrs: unknown) => {
      const [x, y] = inputs as [Info, Info];
      if (out.dtype !== "f32" || x.dtype !== "f32" || y.dtype !== "f32" || out.handle.length < MIN_ELEMENTS) return reference(out, inputs, attrs);
      const [full, other] = shapesEqual(x.shape, out.shape) ? [x, y] : shapesEqual(y.shape, out.shape) ? [y, x] : [null, null];
      const pattern = full && other ? broadcastPattern(other.shape, out.shape) : null;
      if (!full || !other || !pattern) return reference(out, inputs, attrs);
      runBinary(engine, op, pattern, out, full.handle as Float32Array, other.handle as Float32Array);
    };
  };
  // Neg as x · (−1): the same bits as −x (−0 for 0, ±Infinity swapped, NaN stays NaN). core's `sub` is
  // add(a, neg(b)), and a straight-through mask subtracts every sparse weight each forward.
  const minusOne = Float32Array.of(-1);
  const neg: Kernel<unknown, TypedArray> = (out: Info, inputs: readonly Info[], attrs: unknown) => {
    const [x] = inputs as [Info];
    if (out.dtype !== "f32" || x.dtype !== "f32" || out.handle.length < MIN_ELEMENTS) return (fallback.Neg as Kernel<unknown, TypedArray>)(out, inputs, attrs);
    runBinary(engine, engine.binaryCodes.mul, { mode: "scalar" }, out, x.handle as Float32Array, minusOne);
  };
  return { Add: make("Add", engine.binaryCodes.add), Mul: make("Mul", engine.binaryCodes.mul), Neg: neg } as Partial<KernelTable<TypedArray>>;
}
