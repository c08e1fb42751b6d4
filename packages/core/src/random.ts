/**
 * A seeded generator (xoshiro128**, seeded through splitmix32), deterministic on every platform.
 * Pass one to `rand`, `randn` and `dropout`; its `state()` can be saved and restored for exact resume.
 */
export class Generator {
  #s = new Uint32Array(4);

  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Re-seeds; equal seeds give equal streams. */
  seed(seed: number): this {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.#s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    return this;
  }

  /** Next 32 random bits. */
  nextUint32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 random bits. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal (Box–Muller; uses two uniforms per value to stay stateless between calls). */
  normal(): number {
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Integer uniform in [0, n). */
  integer(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  state(): number[] {
    return [...this.#s];
  }

  restore(state: readonly number[]): this {
    this.#s.set(state);
    return this;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
