import { describe, expect, it } from "vitest";
import { relativeRamp } from "./relative-ramp.js";

describe("relative-ramp", () => {
  it("λ(t) = ratio · min(t / rampSteps, 1) · gradScale / weightScale", () => {
    const decay = relativeRamp({ ratio: 0.5, rampSteps: 1000, gradScale: 2e-3, weightScale: 0.02 });
    expect(decay(0)).toBe(0);
    expect(decay(500)).toBeCloseTo(0.025, 15); // 0.5 · 0.5 · 2e-3 / 0.02
    expect(decay(1000)).toBeCloseTo(0.05, 15);
    expect(decay(9000)).toBeCloseTo(0.05, 15);
  });

  it("weightScale defaults to 1, so λ = ratio · gradScale · ramp", () => {
    const decay = relativeRamp({ ratio: 2, rampSteps: 10, gradScale: 5e-5 });
    expect(decay(5)).toBeCloseTo(5e-5, 18);
    expect(decay(10)).toBeCloseTo(1e-4, 18);
  });

  it("rejects zero or negative scales", () => {
    expect(() => relativeRamp({ ratio: 1, rampSteps: 10, gradScale: 0 })).toThrow(/gradScale/);
    expect(() => relativeRamp({ ratio: 1, rampSteps: 10, gradScale: 1, weightScale: -1 })).toThrow(/weightScale/);
    expect(() => relativeRamp({ ratio: -1, rampSteps: 10, gradScale: 1 })).toThrow(/ratio/);
  });
});
