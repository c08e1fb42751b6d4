import { ConfigError } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { ScheduleError } from "./errors.js";
import { warmupCosine } from "./warmup-cosine.js";

// README recipe (method.md §3.7): lrmax 2e-4, lrmin 2e-5, Tw 2000, Td 38000, Tmax 40000.
const readme = { max: 2e-4, min: 2e-5, warmupSteps: 2000, decaySteps: 38000, totalSteps: 40000 };

describe("warmup-cosine", () => {
  const lr = warmupCosine(readme);

  it("hits the anchor values of method.md §10.1 item 7", () => {
    expect(lr(0)).toBe(0);
    expect(lr(2000)).toBeCloseTo(2e-4, 18); // lr(Tw) = max
    expect(lr(38000)).toBeCloseTo(2e-5, 18); // lr(Td) = min
    expect(lr(40000)).toBe(0); // lr(Tmax) = 0
    expect(lr(40001)).toBe(0); // stays 0 after Tmax
    expect(lr(1e9)).toBe(0);
  });

  it("matches hand-computed values on the README recipe", () => {
    // warmup: 2e-4 · t / 2000
    expect(lr(1)).toBeCloseTo(1e-7, 18);
    expect(lr(1000)).toBeCloseTo(1e-4, 18);
    // cosine: 2e-5 + ½(1 + cos(π·p))·1.8e-4, p = (t − 2000) / 36000
    expect(lr(11000)).toBeCloseTo(2e-5 + 0.5 * (1 + Math.SQRT1_2) * 1.8e-4, 15); // p = ¼ → 1.7363961e-4
    expect(lr(11000)).toBeCloseTo(1.7363961e-4, 11);
    expect(lr(20000)).toBeCloseTo(1.1e-4, 15); // p = ½
    expect(lr(29000)).toBeCloseTo(4.636039e-5, 11); // p = ¾
    // tail: 2e-5 · (40000 − t) / 2000
    expect(lr(39000)).toBeCloseTo(1e-5, 18);
    expect(lr(39500)).toBeCloseTo(5e-6, 18);
    expect(lr(39999)).toBeCloseTo(1e-8, 18);
  });

  it("is continuous at Tw and at Td", () => {
    const eps = 1e-6;
    expect(Math.abs(lr(2000 - eps) - lr(2000))).toBeLessThan(1e-12);
    expect(Math.abs(lr(2000 + eps) - lr(2000))).toBeLessThan(1e-12);
    expect(Math.abs(lr(38000 - eps) - lr(38000))).toBeLessThan(1e-12);
    expect(Math.abs(lr(38000 + eps) - lr(38000))).toBeLessThan(1e-12);
    // Integer neighbours differ by at most one warmup slope / one tail slope.
    expect(lr(2000) - lr(1999)).toBeCloseTo(1e-7, 18);
    expect(lr(38000) - lr(38001)).toBeCloseTo(1e-8, 18);
  });

  it("is monotone: up during warmup, down after", () => {
    for (let t = 1; t <= 40000; t += 37) {
      if (t <= 2000) expect(lr(t)).toBeGreaterThanOrEqual(lr(t - 1));
      else expect(lr(t)).toBeLessThanOrEqual(lr(t - 1));
    }
  });

  it("defaults decaySteps to totalSteps: no tail, lr(Tmax) = min (argparse defaults)", () => {
    const d = warmupCosine({ max: 1e-4, min: 1e-5, warmupSteps: 1000, totalSteps: 20000 });
    expect(d(500)).toBeCloseTo(5e-5, 18);
    expect(d(1000)).toBeCloseTo(1e-4, 18);
    expect(d(10500)).toBeCloseTo(5.5e-5, 15);
    expect(d(20000)).toBeCloseTo(1e-5, 18);
    expect(d(20001)).toBe(0);
  });

  it("allows no warmup: lr(0) = max", () => {
    expect(warmupCosine({ max: 1, min: 0, warmupSteps: 0, totalSteps: 10 })(0)).toBe(1);
  });

  it("rejects bad options with the option's name and the fix", () => {
    expect(() => warmupCosine({ ...readme, warmupSteps: 39000 })).toThrow(/warmupSteps: must be < decaySteps \(38000\)/);
    expect(() => warmupCosine({ ...readme, decaySteps: 50000 })).toThrow(/decaySteps: must be <= totalSteps \(40000\)/);
    expect(() => warmupCosine({ max: 1, min: 0, warmupSteps: 20, totalSteps: 20 })).toThrow(/warmupSteps: must be < totalSteps/);
    expect(() => warmupCosine({ ...readme, min: 3e-4 })).toThrow(/min: must be <= max.*swap/);
    expect(() => warmupCosine({ ...readme, max: -1 })).toThrow(ConfigError);
    expect(() => warmupCosine({ ...readme, warmupSteps: 1.5 })).toThrow(/warmupSteps/);
    expect(() => warmupCosine({ ...readme, lr: 1 } as never)).toThrow(/unknown option "lr" \(valid options: max, min, warmupSteps, decaySteps, totalSteps\)/);
    expect(() => warmupCosine({ max: 1 } as never)).toThrow(/totalSteps/);
  });

  it("rejects negative and non-finite steps", () => {
    expect(() => lr(-1)).toThrow(ScheduleError);
    expect(() => lr(Number.NaN)).toThrow(/finite number >= 0/);
    expect(() => lr(Infinity)).toThrow(ScheduleError);
  });
});
