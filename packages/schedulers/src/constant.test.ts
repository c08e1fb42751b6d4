import { describe, expect, it } from "vitest";
import { constant } from "./constant.js";

describe("constant", () => {
  it("returns its value at every step", () => {
    const s = constant({ value: 3e-4 });
    for (const step of [0, 1, 1000, 1e7]) expect(s(step)).toBe(3e-4);
  });
  it("rejects negative values, unknown keys and bad steps", () => {
    expect(() => constant({ value: -1 })).toThrow(/value/);
    expect(() => constant({ value: 1, vale: 2 } as never)).toThrow(/unknown option "vale" \(valid options: value\)/);
    expect(() => constant({ value: 1 })(-1)).toThrow(/step must be/);
  });
});
