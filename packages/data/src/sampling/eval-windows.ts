/**
 * Evaluation windows for perplexity (method.md §7.1): the stream cut into `floor(len / L)`
 * non-overlapping windows of `L = blockSize` tokens; the tail that does not fill a window is dropped.
 */
import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import type { TokenSource } from "../types.js";
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
