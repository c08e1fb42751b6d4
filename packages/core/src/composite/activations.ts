import { runOp, scoped } from "../engine.js";
import { geluOp, hasKernels, logSoftmaxOp, siluOp, softmaxOp } from "../ops/fused.js";
import { normalizeAxis } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { add, exp, log, max, mul, noGrad, pow, sub, sum, tanh, maximum } from "../functions.js";

const isLastAxis = (x: Tensor, axis: number) => x.rank > 0 && normalizeAxis("softmax", axis, x.rank) === x.rank - 1;

/** The row max, cut from the graph: softmax is shift-invariant, so its gradient through the max is zero. */
function stableShift(x: Tensor, axis: number): Tensor {
  return noGrad(() => max(x, axis, true));
}

/** `exp(x) / sum(exp(x))` along `axis`, shifted by the max for stability. */
export function softmax(x: Tensor, axis = -1): Tensor {
  if (isLastAxis(x, axis) && hasKernels(x.backend, "Softmax", "SoftmaxGrad")) return runOp(softmaxOp, [x], {});
  return scoped([x], () => {
    const e = exp(sub(x, stableShift(x, axis)));
    return mul(e, sum(e, axis, true).reciprocal());
  });
}

/** `x - logsumexp(x)` along `axis`, computed stably. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  if (isLastAxis(x, axis) && hasKernels(x.backend, "LogSoftmax", "LogSoftmaxGrad")) return runOp(logSoftmaxOp, [x], {});
  return scoped([x], () => {
    const shifted = sub(x, stableShift(x, axis));
    return sub(shifted, log(sum(exp(shifted), axis, true)));
  });
}

/** GPT-2's GELU, tanh form: `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`. */
export function gelu(x: Tensor): Tensor {
  if (x.rank > 0 && hasKernels(x.backend, "Gelu", "GeluGrad")) return runOp(geluOp, [x], {});
  return scoped([x], () => {
    const inner = mul(add(x, mul(pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
    return mul(mul(x, 0.5), add(tanh(inner), 1));
  });
}

/**
 * SiLU (swish), `x · sigmoid(x)`, as LLaMA's SwiGLU MLP uses it. One fused kernel where the backend has it;
 * the decomposition is written `x · ½(1 + tanh(x/2))`, the same function, whose gradient (through tanh) stays
 * finite for large |x| where `1 / (1 + exp(−x))` would give ∞ · 0.
 */
export function silu(x: Tensor): Tensor {
  if (x.rank > 0 && hasKernels(x.backend, "Silu", "SiluGrad")) return runOp(siluOp, [x], {});
  return scoped([x], () => mul(x, mul(add(tanh(mul(x, 0.5)), 1), 0.5)));
}

/** `max(x, 0)`. */
export const relu = (x: Tensor): Tensor => maximum(x, 0);
