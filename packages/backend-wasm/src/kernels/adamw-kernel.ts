import type { AdamWStepAttrs, AdamWStepMode, BufferInfo, InPlaceKernel, KernelTable, TypedArray } from "@adaptive-sparse/core";
import { TASK_FIELDS, type RowOperand, type WasmEngine } from "../wasm/engine.js";
import { splitRange } from "./gemm-plan.js";

type Info = BufferInfo<TypedArray>;

/**
 * Below this many parameters the JavaScript loop stays (biases, LayerNorm weights): copying in and out and
 * waking the pool cost more than the update.
 */
const MIN_ELEMENTS = 32768;
/** Each task updates at least this many parameters. */
const MIN_TASK_ELEMENTS = 16384;

/**
 * The fused AdamWStep for f32 parameters, moments and gradients (and a u8 mask or none) in WebAssembly on
 * the pool, bit-identical to the cpu kernel (assembly/adamw.ts says why); other dtypes and small
 * parameters go to `fallback`. In the cpu kernel the per-element mode tests and closures cost about
 * 30 ns per parameter: 150 ms of a GPT step at 4.2M parameters.
 */
export function createAdamWStepKernel(engine: WasmEngine, fallback: KernelTable<TypedArray>): InPlaceKernel<AdamWStepAttrs, TypedArray> {
  const reference = fallback.AdamWStep!;
  const k = engine.kernels;
  const codes: Record<AdamWStepMode, number> = {
    textbook: k.ADAMW_TEXTBOOK.value as number,
    gradient: k.ADAMW_GRADIENT.value as number,
    decoupled: k.ADAMW_DECOUPLED.value as number,
    "reference-int-not": k.ADAMW_REFERENCE_INT_NOT.value as number,
    sgd: k.ADAMW_SGD.value as number,
  };
  const scalarCount = k.ADAMW_SCALARS.value as number;
  return (out, inputs, attrs) => {
    const [param, m, v] = out;
    const [grad, mask] = inputs as readonly (Info | undefined)[];
    const size = param!.handle.length;
    const f32 = [param, m, v, grad].every((info) => info?.dtype === "f32");
    if (!f32 || (mask && mask.dtype !== "u8") || size < MIN_ELEMENTS || codes[attrs.mode] === undefined) return reference(out, inputs, attrs);
    const { lr, beta1, beta2, eps, weightDecay, decay, step, mode } = attrs;
    // The cpu kernel's scalars, computed as it computes them.
    const scalars = Float64Array.of(1 - lr * weightDecay, lr, beta1, 1 - beta1, beta2, 1 - beta2, lr / (1 - beta1 ** step), Math.sqrt(1 - beta2 ** step), eps, decay);
    if (scalars.length !== scalarCount) throw new Error(`AdamWStep: the kernel module expects ${scalarCount} scalars, this code writes ${scalars.length}`);
    const [p, mu, nu, g] = [param!, m!, v!, grad!].map((info) => info.handle as Float32Array) as [Float32Array, Float32Array, Float32Array, Float32Array];
    const e = mask ? (mask.handle as Uint8Array) : null;
    // The moments are read and written only by the Adam modes (SGD leaves them as they are).
    const moments = mode === "sgd" ? "in" : "inout";
    // Elementwise, so host arrays are placed a slice at a time: a GPT-2 124M step's wte (38.6M parameters) has
    // 616 MB of host-array state, which whole did not fit beside a full memory and ran in JavaScript (1.1 s).
    const operands: RowOperand[] = [[p, "inout", 1], [mu, moments, 1], [nu, moments, 1], [g, "in", 1], [scalars, "in", 0], ...(e ? [[e, "in", 1] as RowOperand] : [])];
    engine.placeRows(size, operands, ([pp, pm, pv, pg, ps, pe], _first, slice) => {
      const pieces = splitRange(slice, engine.threads * 2, 2, MIN_TASK_ELEMENTS);
      const tasks = new Int32Array(pieces.length * TASK_FIELDS);
      pieces.forEach(([first, count], t) => tasks.set([engine.kinds.adamw, codes[mode], first, count, pp!, pm!, pv!, pg!, e ? pe! : 0, ps!], t * TASK_FIELDS));
      engine.runTasks(tasks);
    });
  };
}
