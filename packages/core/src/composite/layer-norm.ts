import { runOp, scoped } from "../engine.js";
import { hasKernels, layerNormOp } from "../ops/fused.js";
import type { Tensor } from "../tensor.js";
import { add, mean, mul, sqrt, sub } from "../functions.js";

/**
 * Layer normalisation over the last axis: `(x − mean) / sqrt(var + eps) · weight + bias` (biased variance, as PyTorch).
 * @param x [..., C]
 * @param weight [C] or null
 * @param bias [C] or null
 */
export function layerNorm(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps = 1e-5): Tensor {
  return scoped([x, weight, bias], () => {
    if (x.rank > 0 && hasKernels(x.backend, "LayerNorm", "LayerNormGrad")) {
      const normalised = runOp(layerNormOp, [x], { eps });
      if (!weight) return bias ? add(normalised, bias) : normalised;
      const scaled = mul(normalised, weight);
      if (!bias) return scaled;
      const out = add(scaled, bias);
      scaled.dispose(); // Add's backward reads neither operand (Mul's reads `normalised`): free it now, not at the end of the step
      return out;
    }
    const centered = sub(x, mean(x, -1, true));
    const variance = mean(mul(centered, centered), -1, true);
    let out = mul(centered, sqrt(add(variance, eps)).reciprocal());
    if (weight) out = mul(out, weight);
    if (bias) out = add(out, bias);
    return out;
  });
}
