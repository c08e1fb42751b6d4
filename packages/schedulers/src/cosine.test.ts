import { describe, expect, it } from "vitest";
import { cosine } from "./cosine.js";

describe("cosine", () => {
  it("goes from start to end over steps, then holds end", () => {
    const s = cosine({ start: 1, end: 0.1, steps: 100 });
    expect(s(0)).toBe(1);
    expect(s(25)).toBeCloseTo(0.1 + 0.5 * (1 + Math.SQRT1_2) * 0.9, 15); // 0.86820...
    expect(s(50)).toBeCloseTo(0.55, 15);
    expect(s(100)).toBe(0.1);
    expect(s(1000)).toBe(0.1);
  });
  it("rises smoothly when start < end", () => {
    const s = cosine({ start: 0, end: 2, steps: 10 });
    expect(s(5)).toBeCloseTo(1, 15);
    expect(s(10)).toBe(2);
  });
  it("validates options", () => {
    expect(() => cosine({ start: 1, end: 0, steps: 0 })).toThrow(/steps/);
    expect(() => cosine({ start: -1, end: 0, steps: 5 })).toThrow(/start/);
  });
});
