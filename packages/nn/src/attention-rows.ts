import { add, causalMask, causalSoftmax, hasKernels, mul, softmax, where, type Tensor } from "@adaptive-sparse/core";

/**
 * Attention probabilities from raw scores q·kᵀ [..., T, Tk]: softmax over the keys of `scale`·scores. With
 * Tk = T (no cache, or a prompt into an empty one) query i sees keys j ≤ i: the backend's fused causal kernel
 * where it has one (its backward reads only the probabilities, so the scores are freed now), else a −∞ mask
 * (`mask(T)`, [T, T], 1 = visible; a model may keep it per length). One new position after cached ones (Tk > T)
 * sees every key written so far: `keyBias` ([Tk], 0 or −∞: a KV cache's written positions) masks out the rest
 * of its buffer.
 */
export function attentionRows(raw: Tensor, scale: number, mask: (T: number) => Tensor = (T) => causalMask(T, raw.backend), keyBias: Tensor | null = null): Tensor {
  const [T, Tk] = raw.shape.slice(-2) as [number, number];
  if (keyBias) return softmax(add(mul(raw, scale), keyBias), -1);
  if (Tk !== T) return softmax(mul(raw, scale), -1);
  if (hasKernels(raw.backend, "CausalSoftmax", "CausalSoftmaxGrad")) {
    const att = causalSoftmax(raw, scale);
    raw.dispose();
    return att;
  }
  return softmax(where(mask(T), mul(raw, scale), -Infinity), -1);
}
