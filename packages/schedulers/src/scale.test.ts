import { ConfigError } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { cosine } from "./cosine.js";
import { ScheduleError } from "./errors.js";
import { scale } from "./scale.js";

describe("scale", () => {
  it("multiplies every value by the factor", () => {
    const lr = scale(cosine({ start: 1, end: 0.1, steps: 1000 }), 3e-4);
    expect(lr(0)).toBeCloseTo(3e-4, 18);
    expect(lr(500)).toBeCloseTo(0.55 * 3e-4, 18);
    expect(lr(1000)).toBeCloseTo(3e-5, 18);
  });
  it("validates its arguments and passes step errors through", () => {
    expect(() => scale(cosine({ start: 1, end: 0, steps: 10 }), -2)).toThrow(ConfigError);
    expect(() => scale(cosine({ start: 1, end: 0, steps: 10 }), Number.NaN)).toThrow(/factor must be a finite number/);
    expect(() => scale("cosine" as never, 1)).toThrow(/schedule must be a function/);
    expect(() => scale(cosine({ start: 1, end: 0, steps: 10 }), 2)(-1)).toThrow(ScheduleError);
  });
});
