/**
 * Evaluation windows for perplexity (method.md §7.1): the stream cut into `floor(len / L)`
 * non-overlapping windows of `L = blockSize` tokens; the tail that does not fill a window is dropped.
 */
import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import type { TokenArray, TokenSource } from "../types.js";
import { type WindowSet, assertLongEnough, copyWindow, positiveInt } from "./windows.js";

/**
 * Cuts the stream into non-overlapping windows.
 *
 * @returns `data` of shape `[floor(len / blockSize), blockSize]`, window `r` starting at `r·blockSize`.
 * @example
 * const windows = evalWindows(tokens, 1024); // GPT-2 on WikiText-2 test: 280 windows
 * @throws CorpusTooShortError when `len < blockSize`.
 */
export function evalWindows(tokens: TokenSource, blockSize: number): WindowSet {
  validateOptions("evalWindows", z.strictObject({ blockSize: positiveInt }), { blockSize });
  assertLongEnough("evalWindows", tokens, blockSize, `one window of blockSize ${blockSize}`);
  const count = Math.floor(tokens.length / blockSize);
  const data = new Int32Array(count * blockSize); // [count, blockSize]
  copyWindow(tokens, 0, count * blockSize, data, 0);
  const starts = Array.from({ length: count }, (_, r) => r * blockSize);
  return { data, shape: [count, blockSize], starts };
}

/**
 * A uniform subset of the evaluation windows: `count` of the `floor(len / blockSize)` windows, evenly
 * spaced over the stream (window `i` of the subset is window `floor(i · total / count)`), concatenated.
 * A capped evaluation of it covers every part of a held-out set instead of its first documents only;
 * the windows keep their alignment, so each is a window a full evaluation would score too.
 *
 * @returns the stream itself (up to its last whole window) when `count` covers every window.
 * @example
 * const sample = spreadWindows(heldOut, 64, 150); // 150 · 64 tokens from across the whole set
 * @throws CorpusTooShortError when `len < blockSize`.
 */
export function spreadWindows<T extends TokenArray>(tokens: T, blockSize: number, count: number): T {
  validateOptions("spreadWindows", z.strictObject({ blockSize: positiveInt, count: positiveInt }), { blockSize, count });
  assertLongEnough("spreadWindows", tokens, blockSize, `one window of blockSize ${blockSize}`);
  const total = Math.floor(tokens.length / blockSize);
  if (count >= total) return tokens.subarray(0, total * blockSize) as T;
  const out = new (tokens.constructor as new (length: number) => T)(count * blockSize);
  for (let i = 0; i < count; i++) {
    const start = Math.floor((i * total) / count) * blockSize;
    out.set(tokens.subarray(start, start + blockSize), i * blockSize);
  }
  return out;
}
