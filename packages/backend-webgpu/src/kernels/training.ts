import { sizeOf, type AdamWStepAttrs, type BufferInfo, type OpAttrs } from "@adaptive-sparse/core";
import { threadGrid, type KernelContext } from "../context.js";
import type { WebGpuHandle } from "../handle.js";
import { adamwProgram } from "../programs/adamw.js";
import { crossEntropyGradProgram, crossEntropyProgram } from "../programs/cross-entropy.js";

type Info = BufferInfo<WebGpuHandle>;

const f32Bits = (value: number) => new Uint32Array(Float32Array.of(value).buffer)[0];
const input = (info: Info) => ({ info, role: "input" as const });
const output = (info: Info) => ({ info, role: "output" as const });

/** SoftmaxCrossEntropy and its gradient: a workgroup per row, no log-probability tensor. */
export function crossEntropyKernels(ctx: KernelContext) {
  const rowsOf = (logits: Info) => [logits.shape[0], logits.shape[1]] as const;
  return {
    SoftmaxCrossEntropy: (out: Info, [logits, targets]: readonly Info[], { ignoreIndex }: OpAttrs["SoftmaxCrossEntropy"]): void => {
      const [rows, width] = rowsOf(logits);
      if (rows === 0) return;
      if (width === 0) return ctx.clear("SoftmaxCrossEntropy", output(out));
      const args = [input(logits), input(targets), output(out), ctx.errorBuffer()];
      ctx.run("SoftmaxCrossEntropy", crossEntropyProgram(ctx.subgroups), args, [rows, width, ignoreIndex >>> 0], ctx.grid(rows));
    },
    SoftmaxCrossEntropyGrad: (out: Info, [g, logits, targets]: readonly Info[], { ignoreIndex }: OpAttrs["SoftmaxCrossEntropyGrad"]): void => {
      const [rows, width] = rowsOf(logits);
      if (rows === 0 || width === 0) return;
      const args = [input(g), input(logits), input(targets), output(out), ctx.errorBuffer()];
      ctx.run("SoftmaxCrossEntropyGrad", crossEntropyGradProgram(ctx.subgroups), args, [rows, width, ignoreIndex >>> 0], ctx.grid(rows));
    },
  };
}

/** AdamWStep in place over param, m, v (each bound once, read_write); grad and the mask read-only. */
export function adamwKernel(ctx: KernelContext) {
  return ([param, m, v]: readonly Info[], [grad, mask]: readonly Info[], attrs: AdamWStepAttrs): void => {
    const n = sizeOf(param.shape);
    if (n === 0) return;
    const { lr, beta1, beta2, eps, weightDecay, decay, step, mode } = attrs;
    // The step's scalars in double on the host, as the cpu kernel computes them, then rounded once to f32.
    const scalars = [lr, beta1, beta2, eps, 1 - lr * weightDecay, lr / (1 - beta1 ** step), Math.sqrt(1 - beta2 ** step), decay];
    const inout = (info: Info) => ({ info, role: "inout" as const });
    const args = [inout(param), inout(m), inout(v), input(grad), ...(mask ? [input(mask)] : [])];
    ctx.run("AdamWStep", adamwProgram(mode, !!mask), args, [n, ...scalars.map(f32Bits)], threadGrid(ctx, n));
  };
}
