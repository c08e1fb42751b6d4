import { concat, keep, type Tensor } from "@adaptive-sparse/core";

/**
 * The keys and values of every position a model has already seen, per layer (Hugging Face's
 * `past_key_values`): with it, each generated token runs the model on that one position instead of the whole
 * context again. Its tensors live outside `tidy` until the next append replaces them or `dispose()`.
 */
export class KVCache {
  readonly #layers: ({ k: Tensor; v: Tensor } | null)[];

  constructor(readonly nLayer: number) {
    this.#layers = new Array<{ k: Tensor; v: Tensor } | null>(nLayer).fill(null);
  }

  /** Positions cached (the keys' length along T; every layer holds the same). */
  get length(): number {
    return this.#layers[0]?.k.shape[2] ?? 0;
  }

  /**
   * Adds a layer's keys and values for the new positions, k and v [B, nHead, T, headDim], and returns the
   * layer's keys and values for every position so far (the cached ones first).
   */
  append(layer: number, k: Tensor, v: Tensor): [Tensor, Tensor] {
    const old = this.#layers[layer];
    const all = old ? { k: keep(concat([old.k, k], 2)), v: keep(concat([old.v, v], 2)) } : { k: keep(k), v: keep(v) };
    old?.k.dispose();
    old?.v.dispose();
    this.#layers[layer] = all;
    return [all.k, all.v];
  }

  /** Empties the cache (frees its tensors). */
  reset(): void {
    for (const entry of this.#layers) {
      entry?.k.dispose();
      entry?.v.dispose();
    }
    this.#layers.fill(null);
  }

  dispose(): void {
    this.reset();
  }
}
