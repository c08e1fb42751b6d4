import { computeMaskHost } from "./weight-tensor.js";
import { describe, expect, it } from "vitest";
import { assertNM } from "./assert-nm.js";
import { createPrng } from "./prng.js";
import { randomMask } from "./random.js";

describe("createPrng", () => {
  it("is deterministic per seed and spreads over [0, 2³²)", async () => {
    const a = createPrng(42);
    const b = createPrng(42);
    const values = Array.from({ length: 1000 }, () => a());
    expect(values).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(createPrng(43)()).not.toBe(values[0]);
    const mean = values.reduce((s, v) => s + v, 0) / values.length / 2 ** 32;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    expect(values.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32)).toBe(true);
  });
});

describe("random strategy", () => {
  const weight = { data: new Float32Array(32 * 64), rows: 32, cols: 64 };

  it("is seeded, N:M-valid and spreads kept positions evenly", async () => {
    const mask = (await computeMaskHost(randomMask, weight, { n: 2, m: 4, seed: 3 }));
    assertNM(mask, 32, 64, { n: 2, m: 4 });
    expect((await computeMaskHost(randomMask, weight, { n: 2, m: 4, seed: 3 }))).toEqual(mask);
    expect((await computeMaskHost(randomMask, weight, { n: 2, m: 4, seed: 4 }))).not.toEqual(mask);
    const perPosition = [0, 0, 0, 0];
    for (let i = 0; i < mask.length; i++) perPosition[i % 4]! += mask[i]!;
    // 512 groups, each position kept with probability 1/2: expect ≈ 256 ± 3σ (σ ≈ 11.3).
    for (const count of perPosition) expect(Math.abs(count - 256)).toBeLessThan(40);
  });

  it("supports 4:8 and the unstructured pattern", async () => {
    assertNM((await computeMaskHost(randomMask, weight, { n: 4, m: 8, seed: 1 })), 32, 64, { n: 4, m: 8 });
    const unstructured = (await computeMaskHost(randomMask, weight, { n: 2, m: 4, seed: 1 }, { pattern: "unstructured" }));
    for (let r = 0; r < 32; r++) expect(unstructured.subarray(r * 64, r * 64 + 64).reduce((s, v) => s + v, 0)).toBe(32);
  });
});
