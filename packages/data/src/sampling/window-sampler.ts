/**
 * Random training windows with replacement (method.md §3.8): `x = s[i : i+T]`, `y = s[i+1 : i+T+1]`
 * with `i` uniform over [0, len − T − 1]. Pure and seeded; its state is a few numbers, so a
 * checkpoint can store it and resume the exact same batch sequence.
 */
import { ConfigError, validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import type { TokenSource } from "../types.js";
import { Prng, createPrng } from "./prng.js";
import { assertLongEnough, copyWindow, positiveInt, seedSchema } from "./windows.js";

const schema = z.strictObject({ blockSize: positiveInt, batchSize: positiveInt, seed: seedSchema });

/** Options of {@link createWindowSampler}. */
export type WindowSamplerOptions = z.input<typeof schema>;

/** One batch: inputs and next-token targets, both `[batchSize, blockSize]` row-major. */
export interface WindowBatch {
  readonly x: Int32Array;
  readonly y: Int32Array;
  readonly shape: readonly [batchSize: number, blockSize: number];
}

/** Everything needed to resume a sampler bit-exactly (plain JSON). */
export interface WindowSamplerState {
  readonly kind: "window-sampler";
  readonly version: 1;
  readonly blockSize: number;
  readonly batchSize: number;
  readonly tokenCount: number;
  /** Batches drawn so far. */
  readonly step: number;
  readonly rng: readonly [number, number, number, number];
}

/** A seeded stream of training batches; see {@link createWindowSampler}. */
export interface WindowSampler {
  /** Number of distinct window starts, `len − blockSize`. */
  readonly positions: number;
  next(): WindowBatch;
  state(): WindowSamplerState;
  /** Continues from a state taken from a sampler over the same stream with the same sizes. */
  restore(state: WindowSamplerState): void;
}

/**
 * Creates a seeded sampler of training windows over one token stream.
 *
 * @param tokens the token stream (uint16/uint32/int32 or a plain array), length `len`.
 * @example
 * const sampler = createWindowSampler(tokens, { blockSize: 64, batchSize: 8, seed: 1337 });
 * const { x, y, shape } = sampler.next(); // x, y: [8, 64]
 * @throws CorpusTooShortError when `len < blockSize + 1`; ConfigError on bad options.
 */
export function createWindowSampler(tokens: TokenSource, options: WindowSamplerOptions): WindowSampler {
  const { blockSize, batchSize, seed } = validateOptions("createWindowSampler", schema, options);
  const where = "createWindowSampler";
  assertLongEnough(where, tokens, blockSize + 1, `one window of blockSize ${blockSize} (${blockSize} inputs + 1 target)`);
  const positions = tokens.length - blockSize; // i ∈ [0, len − T − 1]
  let rng = createPrng(seed);
  let step = 0;
  return {
    positions,
    next() {
      const x = new Int32Array(batchSize * blockSize); // [B, T]
      const y = new Int32Array(batchSize * blockSize); // [B, T]
      for (let b = 0; b < batchSize; b++) {
        const start = rng.nextBelow(positions);
        copyWindow(tokens, start, blockSize, x, b * blockSize);
        copyWindow(tokens, start + 1, blockSize, y, b * blockSize);
      }
      step += 1;
      return { x, y, shape: [batchSize, blockSize] };
    },
    state() {
      return { kind: "window-sampler", version: 1, blockSize, batchSize, tokenCount: tokens.length, step, rng: rng.state() };
    },
    restore(state) {
      const mine = { blockSize, batchSize, tokenCount: tokens.length };
      const theirs = { blockSize: state.blockSize, batchSize: state.batchSize, tokenCount: state.tokenCount };
      if (state.kind !== "window-sampler" || state.version !== 1) {
        throw new ConfigError(`${where}.restore: not a version-1 window-sampler state (kind "${state.kind}", version ${state.version})`);
      }
      if (JSON.stringify(mine) !== JSON.stringify(theirs)) {
        throw new ConfigError(
          `${where}.restore: the state was taken from a sampler with ${JSON.stringify(theirs)}, this one has ${JSON.stringify(mine)}; ` +
            "resume with the same token stream, blockSize and batchSize",
        );
      }
      rng = new Prng(state.rng);
      step = state.step;
    },
  };
}
