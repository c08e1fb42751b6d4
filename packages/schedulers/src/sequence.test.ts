import { ConfigError } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { constant } from "./constant.js";
import { cosine } from "./cosine.js";
import { linearRamp } from "./linear-ramp.js";
import { sequence } from "./sequence.js";

describe("sequence", () => {
  it("gives each piece its own local step", () => {
    const seen: number[] = [];
    const spy = (step: number) => (seen.push(step), step);
    const s = sequence([
      { schedule: constant({ value: 7 }), steps: 3 },
      { schedule: spy, steps: 4 },
      { schedule: (step) => 100 + step },
    ]);
    expect([0, 1, 2].map(s)).toEqual([7, 7, 7]);
    expect([3, 4, 6].map(s)).toEqual([0, 1, 3]);
    expect(seen).toEqual([0, 1, 3]);
    expect(s(7)).toBe(100);
    expect(s(50)).toBe(143); // the last piece runs on past its own length
  });

  it("warmup then cosine reproduces the shape of warmup-cosine without a tail", () => {
    const lr = sequence([
      { schedule: linearRamp({ max: 1e-3, rampSteps: 100 }), steps: 100 },
      { schedule: cosine({ start: 1e-3, end: 1e-4, steps: 900 }), steps: 900 },
    ]);
    expect(lr(0)).toBe(0);
    expect(lr(50)).toBeCloseTo(5e-4, 18);
    expect(lr(100)).toBe(1e-3);
    expect(lr(550)).toBeCloseTo(5.5e-4, 15);
    expect(lr(1000)).toBe(1e-4);
    expect(lr(5000)).toBe(1e-4);
  });

  it("a last piece with steps still runs on (the steps only document its intended length)", () => {
    const s = sequence([{ schedule: (step) => step, steps: 2 }]);
    expect(s(5)).toBe(5);
  });

  it("rejects malformed pieces", () => {
    expect(() => sequence([])).toThrow(ConfigError);
    expect(() => sequence([{ schedule: constant({ value: 1 }) }, { schedule: constant({ value: 2 }) }])).toThrow(
      /piece 0: steps is required/,
    );
    expect(() => sequence([{ schedule: constant({ value: 1 }), steps: 0 }])).toThrow(/piece 0: steps must be a positive integer/);
    expect(() => sequence([{ schedule: 3 as never, steps: 1 }])).toThrow(/piece 0: schedule must be a function/);
    expect(() => sequence([{ schedule: constant({ value: 1 }) }])(-1)).toThrow(/step must be/);
  });
});
