/**
 * A small seeded PRNG, identical on every platform: xoshiro128** (Blackman & Vigna) with its
 * 128-bit state filled from a 32-bit seed by splitmix32. Only 32-bit integer ops (`Math.imul`,
 * shifts, `>>> 0`) are used, so no floating-point rounding can differ between engines, and the whole
 * state is four numbers, so a checkpoint can store it and resume bit-exactly.
 */
import { ConfigError } from "@adaptive-sparse/core";

/** The generator's full state: four uint32 words. */
export type PrngState = readonly [number, number, number, number];

const TWO_32 = 4294967296;

function rotl(value: number, shift: number): number {
  return (value << shift) | (value >>> (32 - shift));
}

/** A seeded generator of uint32 values; see {@link createPrng}. */
export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** @param state four uint32 words, not all zero (an all-zero state only ever yields zero). */
  constructor(state: PrngState) {
    [this.s0, this.s1, this.s2, this.s3] = state.map((word) => word >>> 0) as [number, number, number, number];
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) throw new ConfigError("Prng: the state must not be all zero");
  }

  /** Next value, uniform over the integers [0, 2^32). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /**
   * Next value, uniform over the integers [0, n), without modulo bias: draws that fall in the
   * incomplete last block of 2^32 are rejected and redrawn.
   *
   * @param n an integer in [1, 2^32].
   */
  nextBelow(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_32) throw new ConfigError(`Prng.nextBelow: n must be an integer in [1, 2^32], got ${n}`);
    const limit = TWO_32 - (TWO_32 % n);
    for (;;) {
      const value = this.nextUint32();
      if (value < limit) return value % n;
    }
  }

  /** A copy of the state; `new Prng(state)` continues the same sequence. */
  state(): PrngState {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }
}

/** splitmix32: spreads a 32-bit seed over 32-bit words with good avalanche (a seed expander). */
function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
}

/**
 * Creates a generator from a 32-bit seed.
 *
 * @param seed an integer in [0, 2^32).
 * @example
 * const rng = createPrng(1337);
 * rng.nextBelow(10); // an integer in [0, 10)
 * @throws ConfigError when the seed is not an integer in [0, 2^32).
 */
export function createPrng(seed: number): Prng {
  if (!Number.isInteger(seed) || seed < 0 || seed >= TWO_32) {
    throw new ConfigError(`createPrng: seed must be an integer in [0, 2^32), got ${seed}`);
  }
  const next = splitmix32(seed);
  return new Prng([next(), next(), next(), next()]);
}

/**
 * Shuffles `values` in place with Fisher–Yates (each permutation equally likely) and returns it.
 *
 * @example
 * shuffleInPlace([0, 1, 2, 3], createPrng(7));
 */
export function shuffleInPlace<T>(values: T[], rng: Prng): T[] {
  for (let i = values.length - 1; i > 0; i--) {
    const j = rng.nextBelow(i + 1);
    const swap = values[i]!;
    values[i] = values[j]!;
    values[j] = swap;
  }
  return values;
}
