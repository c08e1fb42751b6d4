import { ConfigError, DTypeError, Generator, ShapeError, formatShape, noGrad, reshape, slice, tensor, tidy, type Tensor } from "@adaptive-sparse/core";
import type { KVCache } from "./kv-cache.js";

/** Options of {@link GPT.generate}. */
export interface GenerateOptions {
  /** Divides the logits before sampling (default 1); 0 means greedy (argmax). */
  temperature?: number;
  /** Sample only among the `topK` most likely tokens (ties with the k-th are kept, as in nanoGPT). */
  topK?: number;
  /** Source of the sampling draws (seed 0 when omitted). */
  generator?: Generator;
  /**
   * Reuse each step's keys and values (a KV cache) where the model supports it (GPT): after the prompt,
   * every token runs the model on one position instead of the whole context (default true; false recomputes
   * the context every step, as nanoGPT does).
   */
  cache?: boolean;
}

/**
 * What generation needs from a model: its context length and a forward that returns logits [B, T, V]; and,
 * where it has them, a KV cache and a forward that extends it (GPT.createCache, GPT.forwardCached).
 */
interface Sampler {
  readonly config: { readonly blockSize: number };
  call(idx: Tensor): { logits: Tensor };
  createCache?(): KVCache;
  forwardCached?(idx: Tensor, cache: KVCache): Tensor;
}

/** The k-th largest of `values` (k ≥ 1; all of them count when k ≥ their number): a min-heap of the k largest seen. */
function kthLargest(values: ArrayLike<number>, k: number): number {
  const size = Math.min(k, values.length);
  const heap = new Float64Array(size);
  let count = 0;
  const siftDown = (i: number) => {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < count && heap[left]! < heap[least]!) least = left;
      if (right < count && heap[right]! < heap[least]!) least = right;
      if (least === i) return;
      [heap[i], heap[least]] = [heap[least]!, heap[i]!];
      i = least;
    }
  };
  for (let v = 0; v < values.length; v++) {
    const value = values[v]!;
    if (count < size) {
      let i = count++;
      heap[i] = value;
      while (i > 0 && heap[(i - 1) >> 1]! > heap[i]!) {
        const parent = (i - 1) >> 1;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (value > heap[0]!) {
      heap[0] = value;
      siftDown(0);
    }
  }
  return heap[0]!;
}

/**
 * Samples one token per row from `logits` (host f32 [B·V]) and appends it to each row. Works on each row's
 * view of the logits (a copy per token and a full sort for topK took ~12 ms a token at GPT-2's 50,257 ids).
 */
function sampleRows(rows: number[][], logits: Float32Array | Float64Array, vocab: number, options: Required<Omit<GenerateOptions, "topK" | "cache">> & { topK?: number }): void {
  rows.forEach((row, b) => {
    const values = logits.subarray(b * vocab, (b + 1) * vocab);
    let best = 0;
    for (let v = 1; v < vocab; v++) if (values[v]! > values[best]!) best = v;
    if (options.temperature === 0) {
      row.push(best);
      return;
    }
    const threshold = options.topK === undefined ? -Infinity : kthLargest(values, options.topK);
    // Softmax in float64 on the host, shifted by the max for stability.
    const weights = new Float64Array(vocab);
    let total = 0;
    for (let v = 0; v < vocab; v++) {
      weights[v] = values[v]! < threshold ? 0 : Math.exp((values[v]! - values[best]!) / options.temperature);
      total += weights[v]!;
    }
    let u = options.generator.uniform() * total;
    let token = best;
    for (let v = 0; v < vocab; v++) {
      if (weights[v] === 0) continue;
      token = v;
      u -= weights[v]!;
      if (u < 0) break;
    }
    row.push(token);
  });
}

/**
 * Autoregressive sampling (nanoGPT's `generate`): each step feeds the last `blockSize` tokens (with a KV
 * cache, the prompt once and then only the newest token), takes the last position's logits and draws the
 * next token. Works on every backend (async reads).
 * @param idx i32 [B, T] prompt
 * @returns i32 [B, T + maxNewTokens]
 * @throws ConfigError for a negative token count, temperature or topK < 1
 */
export async function generate(model: Sampler, idx: Tensor, maxNewTokens: number, options: GenerateOptions = {}): Promise<Tensor> {
  const { temperature = 1, topK, generator = new Generator(0), cache: useCache = true } = options;
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 0) throw new ConfigError(`generate: maxNewTokens must be a non-negative integer, got ${maxNewTokens}`);
  if (!(temperature >= 0 && Number.isFinite(temperature))) throw new ConfigError(`generate: temperature must be finite and >= 0 (0 = greedy), got ${temperature}`);
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 1)) throw new ConfigError(`generate: topK must be an integer >= 1, got ${topK}`);
  if (idx.dtype !== "i32") throw new DTypeError(`generate: idx has dtype ${idx.dtype}, expected i32 token ids`);
  if (idx.rank !== 2) throw new ShapeError(`generate: idx is ${formatShape(idx.shape)}; expected [B, T]`);
  const [B, T0] = idx.shape;
  const flat = await idx.data();
  const rows = Array.from({ length: B }, (_, b) => Array.from(flat.subarray(b * T0, (b + 1) * T0)));
  const cache = useCache && model.createCache && model.forwardCached ? model.createCache() : null;
  try {
    for (let step = 0; step < maxNewTokens; step++) {
      const start = Math.max(0, rows[0].length - model.config.blockSize);
      const T = rows[0].length - start;
      // Past blockSize the window slides and every position moves: the cache starts over from the cropped context.
      if (cache && start > 0) cache.reset();
      const feed = cache && cache.length > 0 ? rows[0].length - 1 : start; // with a warm cache, only the newest token
      const last = noGrad(() =>
        tidy(() => {
          const context = tensor(rows.flatMap((row) => row.slice(feed)), { shape: [B, rows[0].length - feed], dtype: "i32", backend: idx.backend });
          if (cache) return model.forwardCached!(context, cache); // (B, V)
          const { logits } = model.call(context); // (B, T, V)
          const V = logits.shape[2];
          return reshape(slice(logits, [0, T - 1, 0], [B, 1, V]), [B, V]); // (B, V): the last position
        }),
      );
      const vocab = last.shape[1];
      const values = (await last.data()) as Float32Array | Float64Array;
      last.dispose();
      sampleRows(rows, values, vocab, { temperature, topK, generator });
    }
  } finally {
    cache?.dispose();
  }
  return tensor(rows.flat(), { shape: [B, T0 + maxNewTokens], dtype: "i32", backend: idx.backend });
}
