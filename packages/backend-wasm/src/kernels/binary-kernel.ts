import type { BufferInfo, Kernel, KernelTable, TypedArray } from "@adaptive-sparse/core";
import { TASK_FIELDS, type WasmEngine } from "../wasm/engine.js";
import { splitRange } from "./gemm-plan.js";

type Info = BufferInfo<TypedArray>;

/**
 * Below this many elements the JavaScript loop stays: copying into wasm memory and waking the pool cost
 * more than it saves. From here on wasm is 2-4x faster, copies included (a [16, 128, 256] + [256] Add:
 * 2.4 ms in JavaScript within a training step).
 */
const MIN_ELEMENTS = 32768;
/** Each task gets at least this many elements. */
const MIN_TASK_ELEMENTS = 16384;

/** How one operand is read over the output (see assembly/binary.ts). */
export type BroadcastPattern = { readonly mode: "same" } | { readonly mode: "row"; readonly width: number } | { readonly mode: "col"; readonly width: number } | { readonly mode: "scalar" };

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
const equal = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * How an operand of shape `input` broadcasts to `out` (NumPy rules, shapes already checked by core): the
 * same shape, a block repeated for every row (`[..., C]` over `[N, C]`: `width` C), one value per block of
 * `width` elements (`[N, 1]` over `[N, C]`), one value, or null for any other broadcast.
 */
export function broadcastPattern(input: readonly number[], out: readonly number[]): BroadcastPattern | null {
  if (equal(input, out)) return { mode: "same" };
  if (product(input) === 1) return { mode: "scalar" };
  const rank = out.length;
  const padded = [...new Array<number>(rank - input.length).fill(1), ...input];
  let lead = 0;
  while (lead < rank && padded[lead] === 1) lead++;
  if (equal(padded.slice(lead), out.slice(lead))) return { mode: "row", width: product(out.slice(lead)) };
  let tail = rank;
  while (tail > 0 && padded[tail - 1] === 1) tail--;
  if (equal(padded.slice(0, tail), out.slice(0, tail))) return { mode: "col", width: product(out.slice(tail)) };
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

/** out = a op b on f32 host arrays in WebAssembly, b read by `pattern`, the rows split over the pool. */
function runBinary(engine: WasmEngine, op: number, pattern: BroadcastPattern, out: Info, a: Float32Array, b: Float32Array): void {
  const size = out.handle.length;
  const codes = engine.binaryCodes;
  const [rows, width] = pattern.mode === "row" || pattern.mode === "col" ? [size / pattern.width, pattern.width] : elementwiseRows(out.shape, size);
  const mode = codes[pattern.mode];
  engine.withBlocks([a.byteLength, b.byteLength, size * 4], ([pa, pb, po]) => {
    engine.f32(pa!, a.length).set(a);
    engine.f32(pb!, b.length).set(b);
    const pieces = splitRange(rows, engine.threads * 2, 1, Math.max(1, Math.ceil(MIN_TASK_ELEMENTS / width)));
    const tasks = new Int32Array(pieces.length * TASK_FIELDS);
    pieces.forEach(([start, count], t) => {
      const offset = start * width * 4;
      const bAt = pattern.mode === "same" ? pb! + offset : pattern.mode === "col" ? pb! + start * 4 : pb!;
      tasks.set([engine.kinds.binary, op, mode, count, width, pa! + offset, bAt, po! + offset], t * TASK_FIELDS);
    });
    engine.runTasks(tasks);
    (out.handle as Float32Array).set(engine.f32(po!, size));
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
      const [full, other] = equal(x.shape, out.shape) ? [x, y] : equal(y.shape, out.shape) ? [y, x] : [null, null];
      const pattern = full && other ? broadcastPattern(other.shape, out.shape) : null;
      if (!full || !other || !pattern) return reference(out, inputs, attrs);
      runBinary(engine, op, pattern, out, full.handle as Float32Array, other.handle as Float32Array);
    };
  };
  return { Add: make("Add", engine.binaryCodes.add), Mul: make("Mul", engine.binaryCodes.mul) } as Partial<KernelTable<TypedArray>>;
}
