import { describe, expect, it } from "vitest";
import { batchIndices } from "./batch.js";

describe("batchIndices", () => {
  it("maps each output matrix to its operand matrix under NumPy broadcasting", () => {
    expect(Array.from(batchIndices([2, 3], [3]))).toEqual([0, 1, 2, 0, 1, 2]);
    expect(Array.from(batchIndices([2, 3], [2, 1]))).toEqual([0, 0, 0, 1, 1, 1]);
    expect(Array.from(batchIndices([2, 3], [2, 3]))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(batchIndices([2, 3], []))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(batchIndices([], []))).toEqual([0]);
    expect(Array.from(batchIndices([2, 1, 2], [1, 2]))).toEqual([0, 1, 0, 1]);
  });
});
