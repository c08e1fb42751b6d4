import { sizeOf, type BufferInfo, type OpAttrs } from "@adaptive-sparse/core";
import type { KernelContext } from "../context.js";
import type { WebGpuHandle } from "../handle.js";
import { causalSoftmaxProgram } from "../programs/causal-softmax.js";

type Info = BufferInfo<WebGpuHandle>;

const f32Bits = (value: number) => new Uint32Array(new Float32Array([value]).buffer)[0]!;

/** CausalSoftmax (scores) and CausalSoftmaxGrad (gradient, y): one workgroup per attention row. */
export function causalSoftmaxKernels(ctx: KernelContext) {
  const launch = (grad: boolean) => (out: Info, inputs: readonly Info[], { scale }: OpAttrs["CausalSoftmax"]): void => {
    const width = out.shape[out.shape.length - 1] ?? 1;
    const rows = width === 0 ? 0 : sizeOf(out.shape) / width;
    if (rows === 0) return;
    const args = [...inputs.map((info) => ({ info, role: "input" as const })), { info: out, role: "output" as const }];
    ctx.run(grad ? "CausalSoftmaxGrad" : "CausalSoftmax", causalSoftmaxProgram(grad, ctx.subgroups), args, [rows, width, f32Bits(scale)], ctx.grid(rows));
  };
  return { CausalSoftmax: launch(false), CausalSoftmaxGrad: launch(true) };
}
