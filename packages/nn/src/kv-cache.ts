import { ShapeError, concat, formatShape, keep, slice, type Tensor } from "@adaptive-sparse/core";

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

/** One layer's view of a {@link KVCache}: the cache and the layer's index in it. */
export interface LayerCache {
  readonly kv: KVCache;
  readonly layer: number;
}

/** A decoder layer that reads and extends a KV cache (GPT's Block, LLaMA's and OPT's layers). */
interface CachedLayer {
  forwardCached(x: Tensor, cache: LayerCache): Tensor;
}

/**
 * What every model's `forwardCached` does before its final norm and LM head: refuses more than one new
 * position once the cache is warm, embeds idx after the cached positions (`embed(idx, start)`), runs each
 * layer on the cache, and keeps idx's last position.
 * @returns the hidden state of idx's last position [B, 1, C]
 * @throws ShapeError for T > 1 after the first call (the message names `model`), or from `embed`
 */
export function cachedLastHidden(model: string, idx: Tensor, cache: KVCache, embed: (idx: Tensor, start: number) => Tensor, layers: Iterable<CachedLayer>): Tensor {
  if (cache.length > 0 && idx.shape[1] !== 1) {
    throw new ShapeError(`${model}.forwardCached: the cache holds ${cache.length} positions, so idx must be one new position per row ([B, 1]), got ${formatShape(idx.shape)}`);
  }
  const [B, T] = idx.shape as [number, number];
  let x = embed(idx, cache.length);
  let layer = 0;
  for (const block of layers) x = block.forwardCached(x, { kv: cache, layer: layer++ });
  return T === 1 ? x : slice(x, [0, T - 1, 0], [B, 1, x.shape[2]!]); // (B, 1, C)
}
