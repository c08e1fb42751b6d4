import type { BufferInfo, Kernel, TypedArray } from "@adaptive-sparse/core";
import type { WasmEngine } from "../wasm/engine.js";
import { runRowTasks } from "./row-tasks.js";

type Info = BufferInfo<TypedArray>;
type RotaryAttrs = { start: number; inverse: boolean };

/** Plain loops, any dtype: the f64 gradient checks, and the way out when wasm memory is full. */
export const rotaryReference: Kernel<unknown, TypedArray> = (out: Info, [x, cos, sin]: readonly Info[], attrs: unknown) => {
  const { start, inverse } = attrs as RotaryAttrs;
  const [T, D] = [x!.shape[x!.shape.length - 2]!, x!.shape[x!.shape.length - 1]!];
  const [o, a, c, s] = [out.handle, x!.handle, cos!.handle, sin!.handle];
  const half = D / 2;
  for (let r = 0; r < a.length / D; r++) {
    const [row, table] = [r * D, (start + (r % T)) * D];
    for (let j = 0; j < half; j++) {
      const [x1, x2, cj, sj] = [a[row + j]!, a[row + half + j]!, c[table + j]!, inverse ? -s[table + j]! : s[table + j]!];
      o[row + j] = x1 * cj - x2 * sj;
      o[row + half + j] = x2 * cj + x1 * sj;
    }
  }
};

/**
 * Rotary (core's fused rotary position embedding): f32 in WebAssembly on the pool, rows split over the
 * threads; other dtypes in JavaScript. One pass replaces the composite's two table slices, rotateHalf (two
 * slices, a negation, a concat), two products and a sum: in a LLaMA decode, 18 kernels per layer.
 */
export function createRotaryKernel(engine: WasmEngine): Kernel<unknown, TypedArray> {
  return (out: Info, inputs: readonly Info[], attrs: unknown) => {
    const [x, cos, sin] = inputs as [Info, Info, Info];
    if ([out, x, cos, sin].some((info) => info.dtype !== "f32")) return rotaryReference(out, inputs, attrs);
    const { start, inverse } = attrs as RotaryAttrs;
    const [T, D] = [x.shape[x.shape.length - 2]!, x.shape[x.shape.length - 1]!];
    const rows = out.handle.length / D;
    if (rows === 0) return;
    engine.place([[x.handle, "in"], [cos.handle, "in"], [sin.handle, "in"], [out.handle, "out"]], ([px, pc, ps, po]) => {
      runRowTasks(engine, rows, D, (first, count) => {
        const offset = first * D * 4;
        return [engine.kinds.rotary, count, first % T, T, D, start, inverse ? 1 : 0, px! + offset, pc!, ps!, po! + offset];
      });
    });
  };
}
