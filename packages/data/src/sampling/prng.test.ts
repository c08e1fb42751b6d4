import { describe, expect, it } from "vitest";
import { ConfigError } from "@adaptive-sparse/core";
import { readReference } from "../test-fixtures.js";
import { Prng, createPrng, shuffleInPlace } from "./prng.js";

const reference = readReference().prng;

describe("createPrng (splitmix32 → xoshiro128**)", () => {
  it.each(["0", "1", "1337", "4294967295"])("seed %s matches the Python reference", (seed) => {
    const rng = createPrng(Number(seed));
    expect(rng.state()).toEqual(reference[seed]!.state);
    expect(Array.from({ length: 8 }, () => rng.nextUint32())).toEqual(reference[seed]!.u32);
  });

  it("draws bounded values without bias exactly as the reference rejection sampler", () => {
    const rng = createPrng(reference.below.seed);
    const values = reference.below.n.flatMap((n) => Array.from({ length: 4 }, () => rng.nextBelow(n)));
    expect(values).toEqual(reference.below.values);
  });

  it("resumes bit-exactly from a saved state", () => {
    const rng = createPrng(99);
    rng.nextUint32();
    const saved = rng.state();
    const expected = [rng.nextUint32(), rng.nextUint32(), rng.nextBelow(7)];
    const resumed = new Prng(saved);
    expect([resumed.nextUint32(), resumed.nextUint32(), resumed.nextBelow(7)]).toEqual(expected);
  });

  it("rejects seeds that are not uint32 and an all-zero state", () => {
    expect(() => createPrng(-1)).toThrow(ConfigError);
    expect(() => createPrng(1.5)).toThrow(/integer in \[0, 2\^32\)/);
    expect(() => new Prng([0, 0, 0, 0])).toThrow(/all zero/);
  });

  it("shuffles into a permutation, the same one for the same seed", () => {
    const a = shuffleInPlace([0, 1, 2, 3, 4, 5, 6, 7], createPrng(5));
    const b = shuffleInPlace([0, 1, 2, 3, 4, 5, 6, 7], createPrng(5));
    expect(a).toEqual(b);
    expect([...a].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(a).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
