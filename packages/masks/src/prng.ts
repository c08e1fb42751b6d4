/**
 * A small seeded generator of 32-bit integers: a Weyl sequence (step 0x9e3779b9, the 32-bit golden
 * ratio) passed through a murmur-style avalanche mix. Good enough to shuffle mask choices; not for
 * cryptography. Same seed → same stream on every platform.
 *
 * @param seed any number; only its low 32 bits are used.
 * @returns a function giving the next value in [0, 2³²).
 * @example
 * const next = createPrng(7);
 * next(); // deterministic uint32
 */
export function createPrng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}
