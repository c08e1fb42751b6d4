import { add, causalMask, causalSoftmax, hasKernels, mul, softmax, where, type Tensor } from "@adaptive-sparse/core";

/** Options of {@link attentionRows}. */
export interface AttentionRowsOptions {
  /** The [T, T] causal mask for T positions (1 = visible); default a fresh `causalMask(T)`. A model may keep one per length. */
  mask?: (T: number) => Tensor;
  /** [Tk] 0 or −∞: which positions of a KV cache's buffer hold keys (one new position after cached ones). */
  keyBias?: Tensor | null;
}

/**
 * Attention probabilities from raw scores q·kᵀ [..., T, Tk]: softmax over the keys of `scale`·scores. With
 * Tk = T (no cache, or a prompt into an empty one) query i sees keys j ≤ i: the backend's fused causal kernel
 * where it has one (its backward reads only the probabilities, so the scores are freed now), else a −∞ mask
 * (`options.mask`). One new position after cached ones (Tk > T) sees every key written so far: `options.keyBias`
 * masks out the rest of the cache's buffer.
 */
export function attentionRows(raw: Tensor, scale: number, options: AttentionRowsOptions = {}): Tensor {
  const { mask = (T: number) => causalMask(T, raw.backend), keyBias } = options;
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
