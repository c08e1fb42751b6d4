import { broadcastRead, type BufferInfo, type Kernel, type KernelTable, type TypedArray } from "@adaptive-sparse/core";
import type { WasmEngine } from "../wasm/engine.js";
import { runRowTasks } from "./row-tasks.js";

type Info = BufferInfo<TypedArray>;

/** Below this many elements the JavaScript loop stays (copies and waking the pool cost more). */
const MIN_ELEMENTS = 32768;

type Comparison = "CmpLt" | "CmpLe" | "CmpEq";

/** The kernel's op for `a op b`, and for the mirrored `b op' a` when the scalar is on the left. */
const OPS: Record<Comparison, readonly ["lt" | "le" | "eq", "gt" | "ge" | "eq"]> = { CmpLt: ["lt", "gt"], CmpLe: ["le", "ge"], CmpEq: ["eq", "eq"] };

/**
 * CmpLt, CmpLe and CmpEq in WebAssembly SIMD on the pool for f32 or u8 operands of the output's shape, or one
 * of them a single value (either side: `s < x` runs as `x > s`). The masks equal the cpu kernel's (NaN
 * compares false, −0 equals 0). Other dtypes and broadcasts go to `fallback`. An AST refresh compares every
 * sparse layer's masks twice (flip counts): 2.4 ms per 3072 x 768 comparison in JavaScript.
 */
export function createCompareKernels(engine: WasmEngine, fallback: KernelTable<TypedArray>): Partial<KernelTable<TypedArray>> {
  const table: Record<string, Kernel<unknown, TypedArray>> = {};
  for (const name of Object.keys(OPS) as Comparison[]) {
    const reference = fallback[name] as Kernel<unknown, TypedArray>;
    const [direct, mirrored] = OPS[name];
    table[name] = (out: Info, inputs: readonly Info[], attrs: unknown) => {
      const [x, y] = inputs as [Info, Info];
      const size = out.handle.length;
      const f32 = x.dtype === "f32";
      if ((!f32 && x.dtype !== "u8") || y.dtype !== x.dtype || out.dtype !== "u8" || size < MIN_ELEMENTS) return reference(out, inputs, attrs);
      const [xRead, yRead] = [broadcastRead(x.shape, out.shape), broadcastRead(y.shape, out.shape)];
      const isOne = (read: ReturnType<typeof broadcastRead>) => read.kind === "row" && read.size === 1;
      let plan: [number, TypedArray, TypedArray, boolean] | null = null;
      if (xRead.kind === "same" && (yRead.kind === "same" || isOne(yRead))) plan = [engine.compareCodes[direct], x.handle, y.handle, yRead.kind !== "same"];
      else if (yRead.kind === "same" && isOne(xRead)) plan = [engine.compareCodes[mirrored], y.handle, x.handle, true];
      if (!plan) return reference(out, inputs, attrs);
      const [op, a, b, scalar] = plan;
      const bytes = f32 ? 4 : 1;
      engine.placeRows(size, [[a, "in", 1], [scalar ? b.subarray(0, 1) : b, "in", scalar ? 0 : 1], [out.handle, "out", 1]], ([pa, pb, po], _first, count) => {
        runRowTasks(engine, count, 1, (start, n) => [engine.kinds.compare, op, f32 ? 1 : 0, scalar ? 1 : 0, n, pa! + start * bytes, scalar ? pb! : pb! + start * bytes, po! + start]);
      });
    };
  }
  return table as Partial<KernelTable<TypedArray>>;
}
