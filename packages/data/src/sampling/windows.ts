/** Shared pieces of the window samplers: the result shape, option schemas and the length check. */
import { z } from "zod";
import { CorpusTooShortError } from "../errors.js";
import type { TokenSource } from "../types.js";

/** Several token windows stored row-major: window `r` is `data[r * blockSize, (r + 1) * blockSize)`. */
export interface WindowSet {
  /** `[count, blockSize]` token ids, row-major. */
  readonly data: Int32Array;
  readonly shape: readonly [count: number, blockSize: number];
  /** Start offset of each window in the source stream. */
  readonly starts: readonly number[];
}

/** Positive-integer option (block size, batch size, count). */
export const positiveInt = z.number().int().positive();

/** A PRNG seed: an integer in [0, 2^32). */
export const seedSchema = z.number().int().min(0).max(4294967295);

/**
 * Throws unless `tokens` holds at least `needed` tokens.
 *
 * @param what what the tokens are for, e.g. `one window of blockSize 64 (64 inputs + 1 target)`.
 * @throws CorpusTooShortError saying how many tokens there are and how many are needed.
 */
export function assertLongEnough(where: string, tokens: TokenSource, needed: number, what: string): void {
  if (tokens.length < needed) {
    throw new CorpusTooShortError(
      `${where}: the token stream has ${tokens.length} tokens, but ${what} needs ${needed}; ` +
        "use a larger corpus or a smaller blockSize",
    );
  }
}

/** Copies `tokens[start, start + length)` into `target` at `offset`, as int32. */
export function copyWindow(tokens: TokenSource, start: number, length: number, target: Int32Array, offset: number): void {
  for (let t = 0; t < length; t++) target[offset + t] = tokens[start + t]!;
}
