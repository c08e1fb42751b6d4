import { ConfigError, ShapeError } from "@adaptive-sparse/core";
import { computeMaskHost } from "./weight-tensor.js";
import { describe, expect, it } from "vitest";
import { magnitudeMask, magnitudeScores } from "./magnitude.js";

describe("magnitude strategy (method.md §2.1, §6.1)", () => {
  const weight = { data: new Float32Array([1, -3, 3, 2, 0, 0, 0, 0, -1, 4, 0.5, -0.25]), rows: 1, cols: 12 };

  it("keeps the largest |W| with the tie rule", async () => {
    expect([...(await computeMaskHost(magnitudeMask, weight, { n: 2, m: 4 }))]).toEqual([0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0, 0]);
    expect([...magnitudeScores(weight)]).toEqual([1, 3, 3, 2, 0, 0, 0, 0, 1, 4, 0.5, 0.25]);
  });

  it("supports the unstructured pattern (default sparsity 1 − n/m)", async () => {
    const w = { data: new Float32Array([1, -3, 3, 2, 0, 0, 0, 0]), rows: 2, cols: 4 };
    expect([...(await computeMaskHost(magnitudeMask, w, { n: 2, m: 4 }, { pattern: "unstructured" }))]).toEqual([0, 1, 1, 0, 0, 0, 1, 1]);
    expect([...(await computeMaskHost(magnitudeMask, w, { n: 1, m: 4 }, { pattern: "unstructured" }))]).toEqual([0, 0, 1, 0, 0, 0, 0, 1]);
    expect([...(await computeMaskHost(magnitudeMask, w, { n: 2, m: 4 }, { pattern: "unstructured", sparsity: 0.25 }))]).toEqual([
      0, 1, 1, 1, 0, 1, 1, 1,
    ]);
  });

  it("rejects unknown options and misplaced sparsity", async () => {
    await expect(computeMaskHost(magnitudeMask, weight, { n: 2, m: 4 }, { sparsty: 0.5 } as never)).rejects.toThrow(ConfigError);
    await expect(computeMaskHost(magnitudeMask, weight, { n: 2, m: 4 }, { sparsty: 0.5 } as never)).rejects.toThrow(/valid options: pattern, sparsity/);
    await expect(computeMaskHost(magnitudeMask, weight, { n: 2, m: 4 }, { sparsity: 0.5 })).rejects.toThrow(/only to pattern "unstructured"/);
  });

  it("rejects a weight whose buffer does not match its shape", async () => {
    await expect(computeMaskHost(magnitudeMask, { data: new Float32Array(6), rows: 2, cols: 4 }, { n: 2, m: 4 })).rejects.toThrow(ShapeError);
  });
});
