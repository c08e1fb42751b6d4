import { describe, expect, it } from "vitest";
import { stepDecay } from "./step-decay.js";

describe("step", () => {
  it("is value · gamma^floor(t / stepSize)", () => {
    const s = stepDecay({ value: 0.1, gamma: 0.5, stepSize: 100 });
    expect(s(0)).toBe(0.1);
    expect(s(99)).toBe(0.1);
    expect(s(100)).toBe(0.05);
    expect(s(250)).toBe(0.025);
    expect(s(1000)).toBeCloseTo(0.1 / 1024, 18);
  });
  it("validates options", () => {
    expect(() => stepDecay({ value: 1, gamma: 0, stepSize: 10 })).toThrow(/gamma/);
    expect(() => stepDecay({ value: 1, gamma: 0.5, stepSize: 0 })).toThrow(/stepSize/);
    expect(() => stepDecay({ value: 1, gamma: 0.5, stepSize: 2.5 })).toThrow(/stepSize/);
  });
});
