import { ShapeError } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { flipCount, flipRatio, totalFlips } from "./flip-rate.js";
import { nmMaskFromScores } from "./nm-mask.js";

describe("flip rate (method.md §3.10)", () => {
  it("counts differing positions", () => {
    const prev = new Uint8Array([1, 1, 0, 0, 0, 0, 1, 1]);
    const next = new Uint8Array([0, 1, 1, 0, 0, 0, 1, 1]);
    expect(flipCount(prev, next)).toBe(2);
    expect(flipRatio(prev, next)).toBe(0.25);
    expect(flipCount(prev, prev)).toBe(0);
    expect(flipRatio(new Uint8Array(0), new Uint8Array(0))).toBe(0);
  });

  it("is even for any two N:M masks of one layer", () => {
    for (let trial = 0; trial < 20; trial++) {
      const a = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i * 7.1 + trial));
      const b = Float32Array.from({ length: 64 }, (_, i) => Math.cos(i * 3.3 + trial * 1.7));
      const flips = flipCount(nmMaskFromScores(a, 4, 16, { n: 2, m: 4 }), nmMaskFromScores(b, 4, 16, { n: 2, m: 4 }));
      expect(flips % 2).toBe(0);
    }
  });

  it("sums flips over layers and normalises by the prunable total", () => {
    const layers = [
      { prev: new Uint8Array([1, 1, 0, 0]), next: new Uint8Array([0, 0, 1, 1]) },
      { prev: new Uint8Array([1, 0, 1, 0, 1, 0, 1, 0]), next: new Uint8Array([1, 0, 1, 0, 0, 1, 1, 0]) },
    ];
    expect(totalFlips(layers)).toEqual({ flips: 6, total: 12, ratio: 0.5 });
  });

  it("rejects masks of different sizes", () => {
    expect(() => flipCount(new Uint8Array(4), new Uint8Array(8))).toThrow(ShapeError);
  });
});
