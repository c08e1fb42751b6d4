import { add, noGrad, sub, tidy, where, type Tensor } from "@adaptive-sparse/core";

/**
 * The masked weight `M ⊙ W` with a straight-through gradient (method.md §3.2): the forward value is
 * exactly `M ⊙ W`, but `∂L/∂W = ∂L/∂(M ⊙ W)` at every position, pruned ones included, so pruned
 * weights keep learning and can grow back when the mask is recomputed.
 *
 * Built as `W + stopGradient(M ⊙ W − W)`: the correction is computed without a graph, so the only
 * recorded op is an Add whose gradient w.r.t. W is the identity. The values are exact: a kept entry
 * is `w + 0`, a pruned one `w + (−w) = 0`.
 *
 * @param weight f32 [out, in]
 * @param mask u8 [out, in] (1 = kept)
 * @returns f32 [out, in]
 */
export function straightThroughMask(weight: Tensor, mask: Tensor): Tensor {
  const correction = noGrad(() => tidy(() => sub(where(mask, weight, 0), weight))); // M⊙W − W, detached
  return add(weight, correction);
}
