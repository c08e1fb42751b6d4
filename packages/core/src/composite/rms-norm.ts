import { runOp, scoped } from "../engine.js";
import { hasKernels, rmsNormOp } from "../ops/fused.js";
import type { Tensor } from "../tensor.js";
import { add, mean, mul, sqrt, square } from "../functions.js";

/**
 * Root-mean-square normalisation over the last axis: `x / sqrt(mean(x²) + eps) · weight` (LLaMA's RMSNorm: no
 * centring, no bias). One fused kernel where the backend has it, else its decomposition.
 * @param x [..., C]
 * @param weight [C] or null
 */
export function rmsNorm(x: Tensor, weight: Tensor | null, eps = 1e-6): Tensor {
  return scoped([x, weight], () => {
    const normalised =
      x.rank > 0 && hasKernels(x.backend, "RMSNorm", "RMSNormGrad")
        ? runOp(rmsNormOp, [x], { eps })
        : mul(x, sqrt(add(mean(square(x), -1, true), eps)).reciprocal());
    return weight ? mul(normalised, weight) : normalised;
  });
}
