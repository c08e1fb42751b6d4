import { countNonzeroPerGroup } from "@adaptive-sparse/masks";
import { describe, expect, it } from "vitest";
import { gmpPruneLayer, gmpSparsity, gmpWindow, isGmpPruningStep } from "./gmp-schedule.js";
import { impKeep, impRoundStarts } from "./methods/imp.js";

describe("gmp schedule (method.md §6.5)", () => {
  const window = gmpWindow(200, { startFraction: 0, endFraction: 0.5, every: 10 }, 2, 4);

  it("lays t₀ and t₁ on the step budget", () => {
    expect(window).toEqual({ start: 0, end: 100, target: 0.5, every: 10 });
    expect(gmpWindow(10, { startFraction: 0.2, endFraction: 0.25, every: 1 }, 2, 4)).toMatchObject({ start: 2, end: 3 });
  });

  it("follows the cubic s(t) = s_f(1 − (1 − (t − t₀)/(t₁ − t₀))³)", () => {
    expect(gmpSparsity(0, window)).toBe(0);
    expect(gmpSparsity(50, window)).toBeCloseTo(0.5 * (1 - 0.125), 12); // 0.4375
    expect(gmpSparsity(10, window)).toBeCloseTo(0.5 * (1 - 0.9 ** 3), 12);
    expect(gmpSparsity(100, window)).toBe(0.5);
    expect(gmpSparsity(150, window)).toBe(0.5);
  });

  it("prunes every `every` steps from t₀ and at t₁", () => {
    const steps = Array.from({ length: 200 }, (_, t) => t).filter((t) => isGmpPruningStep(t, window));
    expect(steps).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    const odd = gmpWindow(20, { startFraction: 0.1, endFraction: 0.55, every: 4 }, 2, 4); // t₀ = 2, t₁ = 11
    expect(Array.from({ length: 20 }, (_, t) => t).filter((t) => isGmpPruningStep(t, odd))).toEqual([2, 6, 10, 11]);
  });

  it("prunes the smallest survivors but never a third weight of a 4-group", () => {
    // Row of 8: group 0 holds the four smallest magnitudes, so a plain top-k would empty it.
    const weight = new Float32Array([0.1, -0.2, 0.3, 0.4, 5, -6, 7, 8]);
    const ones = new Uint8Array(8).fill(1);
    expect([...gmpPruneLayer(weight, ones, 4, 2, 3)]).toEqual([0, 0, 1, 1, 0, 1, 1, 1]);
    expect([...gmpPruneLayer(weight, ones, 4, 2, 4)]).toEqual([0, 0, 1, 1, 0, 0, 1, 1]);
  });

  it("keeps earlier pruning and ends with exactly m − n zeros in every group", () => {
    const rows = 6;
    const cols = 16;
    const weight = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    let mask: Uint8Array = new Uint8Array(rows * cols).fill(1);
    for (const s of [0.1, 0.3, 0.45, 0.5]) {
      const next = gmpPruneLayer(weight, mask, 4, 2, Math.round(s * rows * cols));
      for (let i = 0; i < mask.length; i++) if (mask[i] === 0) expect(next[i]).toBe(0);
      expect(next.reduce((zeros, bit) => zeros + 1 - bit, 0)).toBe(Math.round(s * rows * cols));
      mask = next;
    }
    expect([...countNonzeroPerGroup(mask, rows, cols, 4)].every((kept) => kept === 2)).toBe(true);
  });

  it("breaks magnitude ties by position", () => {
    expect([...gmpPruneLayer(new Float32Array([1, 1, 1, 1]), new Uint8Array(4).fill(1), 4, 2, 2)]).toEqual([0, 0, 1, 1]);
  });
});

describe("imp rounds (method.md §6.5)", () => {
  it("prunes to 3:4 then 2:4 over two rounds sharing the budget", () => {
    expect([impKeep(0, 2, 2, 4), impKeep(1, 2, 2, 4)]).toEqual([3, 2]);
    expect(impRoundStarts(40, 2)).toEqual([0, 20, 40]);
    expect(impRoundStarts(10, 3)).toEqual([0, 3, 6, 10]);
    expect([impKeep(0, 1, 2, 4)]).toEqual([2]);
    expect([0, 1, 2, 3].map((r) => impKeep(r, 4, 4, 8))).toEqual([7, 6, 5, 4]);
  });
});
