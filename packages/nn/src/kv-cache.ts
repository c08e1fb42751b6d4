import { ShapeError, concat, formatShape, hasKernels, keep, slice, tensor, writeSlice, zeros, type Tensor } from "@adaptive-sparse/core";

/** A layer's keys and values for attention after an append. */
export interface CachedKeys {
  /** Keys and values: the cache's buffers (every cached position, then zeros up to their capacity), or the new ones when they are all there is. */
  readonly k: Tensor;
  readonly v: Tensor;
  /**
   * f32 [capacity]: 0 at the positions written so far and −∞ after them, added to the attention scores (a
   * bias add along the last axis, the broadcast every backend's Add has a fast path for); null when k and v
   * hold only real positions.
   */
  readonly keyBias: Tensor | null;
}

/** Positions the first buffers hold at the least; a buffer that fills up is replaced by one twice its size. */
const MIN_CAPACITY = 64;

const capacityFor = (positions: number) => Math.max(MIN_CAPACITY, 2 ** Math.ceil(Math.log2(positions)));

/**
 * The keys and values of every position a model has already seen, per layer (Hugging Face's
 * `past_key_values`): with it, each generated token runs the model on that one position instead of the whole
 * context again. Each layer's keys and values live in preallocated buffers that new positions are written
 * into in place (core's writeSlice), so a token costs its own keys, not a copy of the whole cache (a concat
 * per token copied 75 MB after GPT-2's 900th position, 4.7 ms of a 23 ms token; attention then reads the
 * cache from memory instead of from the copy just made, and gives back about 2 ms). Attention reads the
 * buffers whole with the unwritten positions masked out (−∞ scores). On a backend without an in-place
 * WriteSlice kernel (its decomposition copies the whole buffer) the cache concatenates instead. For
 * inference, under `noGrad`: the buffers change in place. Its tensors live outside `tidy` until `reset()` or
 * `dispose()`.
 */
export class KVCache {
  readonly #layers: ({ k: Tensor; v: Tensor; length: number } | null)[];
  #bias: { length: number; bias: Tensor } | null = null;

  /**
   * @param nLayer layers of the model
   * @param axis the keys' and values' position axis: 2 for [B, nHead, T, headDim] (GPT-2, OPT); LLaMA keeps
   *   [B, nKvHead, 1, T, headDim] (3), which its grouped query heads broadcast over
   */
  constructor(
    readonly nLayer: number,
    readonly axis = 2,
  ) {
    this.#layers = new Array<{ k: Tensor; v: Tensor; length: number } | null>(nLayer).fill(null);
  }

  /** Positions cached (every layer holds the same between forwards). */
  get length(): number {
    return this.lengthOf(0);
  }

  /** Positions cached for `layer` (within a forward, the layers before it already hold the new ones). */
  lengthOf(layer: number): number {
    return this.#layers[layer]?.length ?? 0;
  }

  /**
   * Adds a layer's keys and values for the new positions (e.g. [B, nHead, T, headDim]). Into an empty cache
   * (a prompt) it returns them as they are; after that it returns the buffers and the bias that masks their
   * unwritten positions (see {@link CachedKeys}). The returned tensors belong to the cache: do not dispose them.
   */
  append(layer: number, k: Tensor, v: Tensor): CachedKeys {
    if (!hasKernels(k.backend, "WriteSlice")) return this.#concatenate(layer, k, v);
    const axis = this.axis;
    const added = k.shape[axis]!;
    const old = this.#layers[layer];
    const start = old?.length ?? 0;
    const length = start + added;
    let entry = old;
    if (!entry || length > entry.k.shape[axis]!) {
      const grown = (like: Tensor, from: Tensor | undefined) => {
        const buffer = keep(zeros(like.shape.map((d, i) => (i === axis ? capacityFor(length) : d)), { dtype: like.dtype, backend: like.backend }));
        if (from) writeSlice(buffer, from, axis, 0);
        return buffer;
      };
      entry = { k: grown(k, old?.k), v: grown(v, old?.v), length: start };
      old?.k.dispose();
      old?.v.dispose();
      this.#layers[layer] = entry;
    }
    writeSlice(entry.k, k, axis, start);
    writeSlice(entry.v, v, axis, start);
    entry.length = length;
    if (start === 0) return { k, v, keyBias: null };
    return { k: entry.k, v: entry.v, keyBias: this.#keyBias(length, entry.k.shape[axis]!, k) };
  }

  /** Keys and values as one tensor each, the cached positions then these (a copy of the whole cache per token). */
  #concatenate(layer: number, k: Tensor, v: Tensor): CachedKeys {
    const old = this.#layers[layer];
    const joined = (before: Tensor | undefined, added: Tensor) => keep(before ? concat([before, added], this.axis) : added);
    const entry = { k: joined(old?.k, k), v: joined(old?.v, v), length: (old?.length ?? 0) + k.shape[this.axis]! };
    old?.k.dispose();
    old?.v.dispose();
    this.#layers[layer] = entry;
    return { k: entry.k, v: entry.v, keyBias: null };
  }

  /** The {@link CachedKeys.keyBias} for `length` written positions, shared by every layer at that length. */
  #keyBias(length: number, capacity: number, like: Tensor): Tensor {
    if (this.#bias?.length !== length || this.#bias.bias.shape[0] !== capacity) {
      this.#bias?.bias.dispose();
      const values = new Float32Array(capacity).fill(-Infinity, length);
      this.#bias = { length, bias: keep(tensor(values, { backend: like.backend })) };
    }
    return this.#bias.bias;
  }

  /** Empties the cache (frees its tensors). */
  reset(): void {
    for (const entry of this.#layers) {
      entry?.k.dispose();
      entry?.v.dispose();
    }
    this.#layers.fill(null);
    this.#bias?.bias.dispose();
    this.#bias = null;
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
