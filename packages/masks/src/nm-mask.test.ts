import { ConfigError, NonFiniteError, ShapeError } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { assertNM } from "./assert-nm.js";
import { nmMaskFromScores } from "./nm-mask.js";

const abs = (values: number[]) => values.map(Math.abs);
const keep = (scores: number[], n = 2, m = 4) => [...nmMaskFromScores(scores, 1, scores.length, { n, m })];

describe("nmMaskFromScores tie rule (method.md §2.3, §10.1 item 2)", () => {
  it("keeps columns 2 and 3 of an all-equal group", () => {
    expect(keep([5, 5, 5, 5])).toEqual([0, 0, 1, 1]);
    expect(keep([0, 0, 0, 0])).toEqual([0, 0, 1, 1]);
  });

  it("ranks absolute values: [1, −3, 3, 2] keeps columns 1 and 2", () => {
    expect(keep(abs([1, -3, 3, 2]))).toEqual([0, 1, 1, 0]);
  });

  it("prunes the lower column first among equal scores", () => {
    expect(keep([2, 1, 1, 3])).toEqual([1, 0, 0, 1]);
    expect(keep([1, 7, 1, 1])).toEqual([0, 1, 0, 1]);
    expect(keep([3, 3, 1, 9])).toEqual([0, 1, 0, 1]);
    expect(keep([Infinity, 1, Infinity, -Infinity])).toEqual([1, 0, 1, 0]);
  });

  it("handles 4:8 and 1:4 with ties", () => {
    expect(keep([1, 1, 1, 1, 1, 1, 1, 1], 4, 8)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(keep([8, 1, 7, 2, 6, 3, 5, 4], 4, 8)).toEqual([1, 0, 1, 0, 1, 0, 1, 0]);
    expect(keep([2, 2, 1, 0], 1, 4)).toEqual([0, 1, 0, 0]);
    expect(keep([9, 9, 9, 9], 3, 4)).toEqual([0, 1, 1, 1]);
  });

  it("groups are M consecutive columns of one row, never spanning rows", () => {
    // 2 rows × 8 cols: row 0 = [4 3 2 1 | 1 2 3 4], row 1 = [0 0 0 0 | 9 0 9 0]
    const mask = nmMaskFromScores([4, 3, 2, 1, 1, 2, 3, 4, 0, 0, 0, 0, 9, 0, 9, 0], 2, 8, { n: 2, m: 4 });
    expect([...mask]).toEqual([1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0]);
  });
});

describe("nmMaskFromScores group axis (method.md §10.1 item 3)", () => {
  it("permuting columns inside a group permutes the mask identically", () => {
    const scores = [0.3, 0.9, 0.1, 0.5, 2, 1, 4, 3];
    const perm = [2, 0, 3, 1, 7, 4, 6, 5]; // permutes within each group of 4
    const permuted = perm.map((p) => scores[p]!);
    const mask = nmMaskFromScores(scores, 1, 8, { n: 2, m: 4 });
    const maskPermuted = nmMaskFromScores(permuted, 1, 8, { n: 2, m: 4 });
    expect([...maskPermuted]).toEqual(perm.map((p) => mask[p]));
  });

  it("a transposed weight is grouped along its own columns, or rejected when they do not split", () => {
    // W is 4×2 ([out, in]); its transpose is 2×4. Groups of 4 need in % 4 == 0.
    const w = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(() => nmMaskFromScores(w, 4, 2, { n: 2, m: 4 })).toThrow(ShapeError);
    expect(() => nmMaskFromScores(w, 4, 2, { n: 2, m: 4 })).toThrow(/transposed/);
    const t = nmMaskFromScores([1, 3, 5, 7, 2, 4, 6, 8], 2, 4, { n: 2, m: 4 });
    expect([...t]).toEqual([0, 0, 1, 1, 0, 0, 1, 1]);
  });
});

describe("nmMaskFromScores validation", () => {
  it("throws NonFiniteError naming the row and layer of a NaN", () => {
    const scores = [1, 2, 3, 4, 1, NaN, 3, 4];
    expect(() => nmMaskFromScores(scores, 2, 4, { n: 2, m: 4 })).toThrow(NonFiniteError);
    expect(() => nmMaskFromScores(scores, 2, 4, { n: 2, m: 4, layerName: "h.0.attn.c_attn" })).toThrow(
      /row 1, column 1 is NaN \(layer h\.0\.attn\.c_attn\)/,
    );
  });

  it("rejects a bad pattern with a clear error", () => {
    expect(() => keep([1, 2, 3, 4], 4, 4)).toThrow(ConfigError);
    expect(() => keep([1, 2, 3, 4], 0, 4)).toThrow(/1 ≤ n < m/);
    expect(() => keep([1, 2, 3, 4], 1.5, 4)).toThrow(ConfigError);
    expect(() => keep([1, 2, 3, 4], 1, 1)).toThrow(/m must be an integer ≥ 2/);
    expect(() => nmMaskFromScores([1, 2, 3, 4, 5, 6], 1, 6, { n: 2, m: 4 })).toThrow(/cols=6 is not a multiple of m=4/);
  });

  it("rejects scores whose length does not match rows×cols", () => {
    expect(() => nmMaskFromScores([1, 2, 3, 4], 2, 4, { n: 2, m: 4 })).toThrow(ShapeError);
  });

  it("every mask of random scores is N:M-valid", () => {
    const scores = Float32Array.from({ length: 6 * 24 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    for (const [n, m] of [[1, 2], [2, 4], [3, 4], [4, 8], [1, 3]] as const) {
      const mask = nmMaskFromScores(scores, 6, 24, { n, m });
      expect(() => assertNM(mask, 6, 24, { n, m })).not.toThrow();
    }
  });
});
