/**
 * Calibration windows for Wanda / SparseGPT statistics (method.md §2.2): N random contiguous
 * windows of the token stream. The reference draws them without using its seed (§10.2); here the
 * draw is seeded, so the same seed always gives the same calibration set.
 */
import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import type { TokenSource } from "../types.js";
import { createPrng } from "./prng.js";
import { type WindowSet, assertLongEnough, copyWindow, positiveInt, seedSchema } from "./windows.js";

const schema = z.strictObject({ count: positiveInt, blockSize: positiveInt, seed: seedSchema });

/** Options of {@link calibrationWindows}. */
export type CalibrationOptions = z.input<typeof schema>;

/**
 * Draws `count` windows of `blockSize` tokens, starts uniform over [0, len − blockSize], with
 * replacement (calibration needs inputs only, no shifted targets).
 *
 * @returns `data` of shape `[count, blockSize]`.
 * @example
 * const calibration = calibrationWindows(tokens, { count: 128, blockSize: 1024, seed: 0 });
 * @throws CorpusTooShortError when `len < blockSize`; ConfigError on bad options.
 */
export function calibrationWindows(tokens: TokenSource, options: CalibrationOptions): WindowSet {
  const { count, blockSize, seed } = validateOptions("calibrationWindows", schema, options);
  assertLongEnough("calibrationWindows", tokens, blockSize, `one window of blockSize ${blockSize}`);
  const rng = createPrng(seed);
  const data = new Int32Array(count * blockSize); // [count, blockSize]
  const starts: number[] = [];
  for (let r = 0; r < count; r++) {
    const start = rng.nextBelow(tokens.length - blockSize + 1);
    copyWindow(tokens, start, blockSize, data, r * blockSize);
    starts.push(start);
  }
  return { data, shape: [count, blockSize], starts };
}
