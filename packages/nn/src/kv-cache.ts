import { concat, keep, type Tensor } from "@adaptive-sparse/core";

/**
 * The keys and values of every position a model has already seen, per layer (Hugging Face's
 * `past_key_values`): with it, each generated token runs the model on that one position instead of the whole
 * context again. Its tensors live outside `tidy` until the next append replaces them or `dispose()`.
 */
export class KVCache {
  readonly #layers: ({ k: Tensor; v: Tensor } | null)[];

  /**
   * @param nLayer layers of the model
   * @param axis the keys' and values' position axis: 2 for [B, nHead, T, headDim] (GPT-2, OPT); LLaMA keeps
   *   [B, nKvHead, 1, T, headDim] (3), which its grouped query heads broadcast over
   */
  constructor(
    readonly nLayer: number,
    readonly axis = 2,
  ) {
    this.#layers = new Array<{ k: Tensor; v: Tensor } | null>(nLayer).fill(null);
  }

  /** Positions cached (the keys' length along the position axis; every layer holds the same between forwards). */
  get length(): number {
    return this.lengthOf(0);
  }

  /** Positions cached for `layer` (within a forward, the layers before it already hold the new ones). */
  lengthOf(layer: number): number {
    return this.#layers[layer]?.k.shape[this.axis] ?? 0;
  }

  /**
   * Adds a layer's keys and values for the new positions (e.g. [B, nHead, T, headDim]) and returns the
   * layer's keys and values for every position so far (the cached ones first).
   */
  append(layer: number, k: Tensor, v: Tensor): [Tensor, Tensor] {
    const old = this.#layers[layer];
    const all = old ? { k: keep(concat([old.k, k], this.axis)), v: keep(concat([old.v, v], this.axis)) } : { k: keep(k), v: keep(v) };
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
