import { scoped } from "../engine.js";
import type { Tensor } from "../tensor.js";
import { add, exp, log, max, mul, noGrad, pow, sub, sum, tanh, maximum } from "../functions.js";

/** The row max, cut from the graph: softmax is shift-invariant, so its gradient through the max is zero. */
function stableShift(x: Tensor, axis: number): Tensor {
  return noGrad(() => max(x, axis, true));
}

/** `exp(x) / sum(exp(x))` along `axis`, shifted by the max for stability. */
export function softmax(x: Tensor, axis = -1): Tensor {
  return scoped([x], () => {
    const e = exp(sub(x, stableShift(x, axis)));
    return mul(e, sum(e, axis, true).reciprocal());
  });
}

/** `x - logsumexp(x)` along `axis`, computed stably. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return scoped([x], () => {
    const shifted = sub(x, stableShift(x, axis));
    return sub(shifted, log(sum(exp(shifted), axis, true)));
  });
}

/** GPT-2's GELU, tanh form: `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`. */
export function gelu(x: Tensor): Tensor {
  return scoped([x], () => {
    const inner = mul(add(x, mul(pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
    return mul(mul(x, 0.5), add(tanh(inner), 1));
  });
}

/** `max(x, 0)`. */
export const relu = (x: Tensor): Tensor => maximum(x, 0);
