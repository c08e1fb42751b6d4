import { ConfigError } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { ScheduleError } from "./errors.js";
import { linearRamp } from "./linear-ramp.js";

describe("linear-ramp", () => {
  it("meets method.md §10.1 item 7 on the GPT-2 recipe (λmax 1e-4, T₀ 10000)", () => {
    const decay = linearRamp({ max: 1e-4, rampSteps: 10000 });
    expect(decay(0)).toBe(0);
    expect(decay(5000)).toBeCloseTo(5e-5, 18); // T₀/2 → λmax/2
    expect(decay(10000)).toBe(1e-4);
    expect(decay(40000)).toBe(1e-4);
    expect(decay(2500)).toBeCloseTo(2.5e-5, 18);
  });

  it("matches the LLaMA callback's 2e-8 per batch up to 6e-5 at 3000 (method.md §3.5)", () => {
    const decay = linearRamp({ max: 6e-5, rampSteps: 3000 });
    expect(decay(1)).toBeCloseTo(2e-8, 20);
    expect(decay(1500)).toBeCloseTo(3e-5, 18);
    expect(decay(2999)).toBeCloseTo(2e-8 * 2999, 18);
    expect(decay(3000)).toBe(6e-5);
  });

  it("rampSteps 0 is a constant max", () => {
    expect(linearRamp({ max: 0.01, rampSteps: 0 })(0)).toBe(0.01);
  });

  it("validates options and steps", () => {
    expect(() => linearRamp({ max: -1e-4, rampSteps: 10 })).toThrow(ConfigError);
    expect(() => linearRamp({ max: 1e-4, rampSteps: -1 })).toThrow(/rampSteps/);
    expect(() => linearRamp({ max: 1e-4 } as never)).toThrow(/rampSteps/);
    expect(() => linearRamp({ max: 1e-4, rampSteps: 1, T0: 1 } as never)).toThrow(/unknown option "T0"/);
    expect(() => linearRamp({ max: 1e-4, rampSteps: 10 })(-5)).toThrow(ScheduleError);
  });
});
