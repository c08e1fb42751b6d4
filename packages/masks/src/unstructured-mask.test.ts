import { ConfigError, NonFiniteError } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { unstructuredMaskFromScores } from "./unstructured-mask.js";

describe("unstructuredMaskFromScores (method.md §2.4)", () => {
  it("prunes floor(sparsity·cols) lowest per row, lower column first on ties", () => {
    const scores = [4, 1, 1, 3, 2, 2, 2, 2, 0, 5, 0, 5];
    const mask = unstructuredMaskFromScores(scores, 2, 6, { sparsity: 0.5 });
    // row 0: [4 1 1 3 2 2] → prune 1(c1), 1(c2), 2(c4); row 1: [2 2 0 5 0 5] → prune 0(c2), 0(c4), 2(c0)
    expect([...mask]).toEqual([1, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
  });

  it("defaults to 50 % and floors the count", () => {
    expect([...unstructuredMaskFromScores([3, 2, 1, 0, 5], 1, 5)]).toEqual([1, 1, 0, 0, 1]);
    expect([...unstructuredMaskFromScores([1, 2, 3], 1, 3, { sparsity: 0.7 })]).toEqual([0, 0, 1]);
    expect([...unstructuredMaskFromScores([1, 2, 3], 1, 3, { sparsity: 0 })]).toEqual([1, 1, 1]);
    expect([...unstructuredMaskFromScores([1, 2, 3], 1, 3, { sparsity: 1 })]).toEqual([0, 0, 0]);
  });

  it("orders infinities and rejects NaN and bad sparsity", () => {
    expect([...unstructuredMaskFromScores([Infinity, -Infinity, 0, 1], 1, 4)]).toEqual([1, 0, 0, 1]);
    expect(() => unstructuredMaskFromScores([1, NaN], 1, 2, { layerName: "fc" })).toThrow(NonFiniteError);
    expect(() => unstructuredMaskFromScores([1, NaN], 1, 2, { layerName: "fc" })).toThrow(/row 0, column 1 is NaN \(layer fc\)/);
    expect(() => unstructuredMaskFromScores([1, 2], 1, 2, { sparsity: 1.5 })).toThrow(ConfigError);
  });
});
