import { ConfigError, ShapeError } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { checkNMValidity, formatNMValidity, nmValidityEvaluator } from "./nm-validity.js";

const weight = (name: string, values: number[], rows: number, cols: number) => ({ name, data: new Float32Array(values), rows, cols });

describe("checkNMValidity", () => {
  it("counts groups of M consecutive columns per row and those with more than N nonzeros", () => {
    const report = checkNMValidity([
      weight("good", [1, 0, 2, 0, 0, 3, 0, -4, /* row 2 */ 0, 0, 0, 5, 6, 7, 0, 0], 2, 8),
      weight("bad", [1, 1, 1, 0, 0, 0, 0, 0], 2, 4),
    ]);
    expect(report.layers[0]).toEqual({ name: "good", rows: 2, cols: 8, groups: 4, groupsOverN: 0, groupsUnderN: 1, nonzeros: 7, sparsity: 9 / 16, valid: true });
    expect(report.layers[1]).toMatchObject({ groups: 2, groupsOverN: 1, groupsUnderN: 1, nonzeros: 3, valid: false });
    expect(report).toMatchObject({ n: 2, m: 4, valid: false, groups: 6, groupsOverN: 1 });
    expect(report.sparsity).toBeCloseTo(14 / 24, 12);
  });

  it("groups never span rows: 3 nonzeros across a row boundary are fine", () => {
    // Row 0 ends with two nonzeros and row 1 starts with one: each group holds at most 2.
    const report = checkNMValidity([weight("w", [0, 0, 1, 1, 1, 0, 0, 0], 2, 4)]);
    expect(report.valid).toBe(true);
    expect(checkNMValidity([weight("w", [0, 1, 1, 1, 0, 1], 1, 6)], { n: 2, m: 3 }).layers[0]).toMatchObject({ groups: 2, groupsOverN: 0 });
    expect(checkNMValidity([weight("w", [1, 1, 1, 0, 0, 1], 1, 6)], { n: 2, m: 3 }).layers[0]).toMatchObject({ groups: 2, groupsOverN: 1, groupsUnderN: 1 });
  });

  it("supports other N:M patterns, counts NaN as nonzero and flags columns that form no group", () => {
    expect(checkNMValidity([weight("w", [1, 0, 0, 0, 0, 0, 0, 2], 1, 8)], { n: 1, m: 4 }).valid).toBe(true);
    expect(checkNMValidity([weight("w", [NaN, 1, 1, 0], 1, 4)]).valid).toBe(false);
    const ragged = checkNMValidity([weight("w", [1, 0, 0, 0, 1, 1], 1, 6)]);
    expect(ragged.layers[0]).toMatchObject({ groups: 1, groupsOverN: 0, valid: false });
    expect(ragged.layers[0].problem).toMatch(/cols 6 is not a multiple of m = 4/);
  });

  it("rejects data of the wrong length and bad options", () => {
    expect(() => checkNMValidity([weight("h.0.attn.c_attn", [1, 2, 3], 2, 4)])).toThrow(ShapeError);
    expect(() => checkNMValidity([weight("h.0.attn.c_attn", [1, 2, 3], 2, 4)])).toThrow(/"h\.0\.attn\.c_attn" has 3 values but rows × cols = 2 × 4/);
    expect(() => checkNMValidity([], { n: 5, m: 4 })).toThrow(/n must be at most m/);
    expect(() => checkNMValidity([], { k: 1 } as never)).toThrow(ConfigError);
    expect(checkNMValidity([])).toMatchObject({ valid: true, sparsity: 0, groups: 0 });
  });

  it("formats a report for the CLI and runs as a plugin", async () => {
    const report = checkNMValidity([weight("h.0.mlp.c_fc", [1, 0, 2, 0], 1, 4), weight("h.0.mlp.c_proj", [1, 1, 1, 0], 1, 4)]);
    const text = formatNMValidity(report);
    expect(text).toContain("h.0.mlp.c_fc");
    expect(text.split("\n")).toHaveLength(4);
    expect(text).toMatch(/h\.0\.mlp\.c_proj .*INVALID/);
    expect(text).toMatch(/NOT valid 2:4: 2 layers, 1 of 2 groups over 2 nonzeros, sparsity 37\.50%$/);
    const { metrics } = await nmValidityEvaluator.run({ weights: [weight("w", [1, 0, 2, 0], 1, 4)] });
    expect(metrics).toEqual({ valid: 1, sparsity: 0.5, groups: 1, groupsOverN: 0, layers: 1 });
    await expect(nmValidityEvaluator.run({})).rejects.toThrow(/input "weights" is missing/);
  });
});
