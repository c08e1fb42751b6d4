import { ConfigError, ShapeError } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { assertIs24, assertNM, countNonzeroPerGroup } from "./assert-nm.js";
import { MaskPatternError } from "./errors.js";

describe("countNonzeroPerGroup", () => {
  it("counts per row and group", () => {
    const counts = countNonzeroPerGroup([0, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0.5, -2, 0, 3], 2, 8, 4);
    expect([...counts]).toEqual([2, 3, 0, 3]);
  });

  it("rejects a width that does not split the row", () => {
    expect(() => countNonzeroPerGroup([1, 1, 1], 1, 3, 4)).toThrow(ShapeError);
  });
});

describe("assertNM / assertIs24", () => {
  it("passes valid masks", () => {
    expect(() => assertIs24(new Uint8Array([1, 1, 0, 0, 0, 1, 0, 1]), 2, 4)).not.toThrow();
    expect(() => assertNM(new Uint8Array([1, 0, 1, 1, 0, 1, 0, 0]), 1, 8, { n: 4, m: 8 })).not.toThrow();
  });

  it("names row, group, columns and count of the first bad group", () => {
    const mask = new Uint8Array([1, 1, 0, 0, 0, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1]); // 2 rows × 8
    expect(() => assertIs24(mask, 2, 8, "h.3.mlp.c_fc")).toThrow(MaskPatternError);
    expect(() => assertIs24(mask, 2, 8, "h.3.mlp.c_fc")).toThrow(
      /row 0, group 1 \(columns 4–7\) keeps 1 of 4, expected exactly 2 \(layer h\.3\.mlp\.c_fc\)/,
    );
    const second = new Uint8Array([1, 1, 0, 0, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 0]);
    expect(() => assertIs24(second, 2, 8)).toThrow(/row 1, group 0 \(columns 0–3\) keeps 3 of 4/);
  });

  it("rejects entries other than 0 and 1", () => {
    expect(() => assertIs24(new Uint8Array([2, 0, 0, 0]), 1, 4)).toThrow(/row 0, column 0 is 2/);
  });

  it("rejects a bad pattern or size", () => {
    expect(() => assertNM(new Uint8Array(4), 1, 4, { n: 4, m: 4 })).toThrow(ConfigError);
    expect(() => assertIs24(new Uint8Array(8), 1, 4)).toThrow(ShapeError);
  });
});
