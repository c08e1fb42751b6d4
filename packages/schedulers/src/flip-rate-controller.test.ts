import { ConfigError, NonFiniteError } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { ScheduleError } from "./errors.js";
import { createFlipRateController, type FlipRateController } from "./flip-rate-controller.js";
import { linearRamp } from "./linear-ramp.js";

// Synthetic mask model: the flip ratio per refresh falls as the decay gets stronger,
// flipRate = C / (1 + λ·K). K = 1000 stands in for a small model whose gradients are large
// compared with GPT-2 124M's, so the paper's λ = 1e-4 barely moves the flip rate (λK = 0.1).
const C = 0.04;
const K = 1000;
const flipModel = (lambda: number) => C / (1 + lambda * K);

const REFRESH = 10; // Δt, as in the reference recipe
const TOTAL = 4000;
const base = {
  initialLambda: 1e-4,
  rampSteps: 1000,
  totalSteps: TOTAL,
  startFlipRate: 0.05,
  endFlipRate: 0.002,
  settleFraction: 0.5,
};
const SETTLE = 2000;

interface Trace {
  step: number;
  lambda: number;
  flipRate: number;
  target: number;
  plateau: number;
}

/** Runs the trainer-side protocol: λ ← value(t); step; every Δt steps refresh and observe. */
function simulate(controller: FlipRateController, from = 0, to = TOTAL): Trace[] {
  const trace: Trace[] = [];
  for (let step = from; step <= to; step++) {
    const lambda = controller.value(step);
    if (step % REFRESH !== 0) continue;
    const flipRate = flipModel(lambda);
    const decision = controller.observe(step, flipRate);
    trace.push({ step, lambda, flipRate, target: decision.target, plateau: decision.lambda });
  }
  return trace;
}

describe("flip-target controller: target curve and ramp", () => {
  it("target falls linearly from startFlipRate to endFlipRate at the settle point, then stays", () => {
    const c = createFlipRateController(base);
    expect(c.target(0)).toBeCloseTo(0.05, 15);
    expect(c.target(1000)).toBeCloseTo(0.026, 15); // half-way: (0.05 + 0.002) / 2
    expect(c.target(SETTLE)).toBeCloseTo(0.002, 15);
    expect(c.target(3999)).toBeCloseTo(0.002, 15);
  });

  it("before any observation, value follows AST's linear ramp to initialLambda", () => {
    const c = createFlipRateController(base);
    const ramp = linearRamp({ max: 1e-4, rampSteps: 1000 });
    for (const step of [0, 1, 250, 999, 1000, 3000]) expect(c.value(step)).toBeCloseTo(ramp(step), 18);
    expect(c.value(0)).toBe(0);
  });
});

describe("flip-target controller on the synthetic flip-rate model", () => {
  it("the paper's fixed λmax = 1e-4 leaves the flip rate far above target (the problem of issue 5)", () => {
    const ramp = linearRamp({ max: 1e-4, rampSteps: 1000 });
    expect(flipModel(ramp(SETTLE))).toBeCloseTo(0.04 / 1.1, 12); // ≈ 0.036, 18× the 0.002 target
  });

  it("drives the flip rate below target by the settle point and keeps it there", () => {
    const trace = simulate(createFlipRateController(base));
    const atSettle = trace.find((r) => r.step === SETTLE)!;
    expect(atSettle.flipRate).toBeLessThanOrEqual(atSettle.target);
    for (const r of trace.filter((r) => r.step >= SETTLE)) expect(r.flipRate).toBeLessThanOrEqual(r.target);
    // It needs a plateau λ of at least (C / 0.002 − 1) / K = 0.019, i.e. ≥ 190× the paper's value.
    expect(atSettle.plateau).toBeGreaterThanOrEqual(0.019);
    expect(atSettle.plateau).toBeLessThanOrEqual(1e-4 * 1e4);
  });

  it("after settling, the flip rate stays inside the hold band [lowerBelow·target, target]", () => {
    const trace = simulate(createFlipRateController(base));
    const late = trace.filter((r) => r.step >= 3000);
    for (const r of late) {
      expect(r.flipRate).toBeLessThanOrEqual(r.target);
      expect(r.flipRate).toBeGreaterThanOrEqual(0.5 * r.target * 0.9); // at most one gentle step below the band
    }
    // Settled: the plateau no longer moves in the last quarter.
    expect(new Set(late.map((r) => r.plateau)).size).toBe(1);
  });

  it("is deterministic: two runs give identical traces", () => {
    const a = simulate(createFlipRateController(base));
    const b = simulate(createFlipRateController(base));
    expect(b).toEqual(a);
  });

  it("resumes exactly from state()/restore() through a JSON checkpoint", () => {
    const full = simulate(createFlipRateController(base));
    const first = createFlipRateController(base);
    simulate(first, 0, 1500);
    const saved = JSON.parse(JSON.stringify(first.state()));
    const resumed = createFlipRateController(base);
    resumed.restore(saved);
    const rest = simulate(resumed, 1501, TOTAL);
    expect(rest).toEqual(full.filter((r) => r.step > 1500));
  });

  it("a too-strong start is lowered gently (×down per refresh) and never below minLambda", () => {
    const c = createFlipRateController({ ...base, initialLambda: 1, minLambda: 0.01, maxLambda: 10 });
    const trace = simulate(c);
    // Flip rate 0.04 / 1001 is far below half of any target, so the first changes are all "lower".
    expect(trace[1]!.plateau).toBeCloseTo(0.9, 12);
    expect(trace[2]!.plateau).toBeCloseTo(0.81, 12);
    for (const r of trace) expect(r.plateau).toBeGreaterThanOrEqual(0.01);
    const atSettle = trace.find((r) => r.step === SETTLE)!;
    expect(atSettle.flipRate).toBeLessThanOrEqual(atSettle.target);
  });

  it("clamps the plateau at maxLambda even when the target cannot be met", () => {
    const trace = simulate(createFlipRateController({ ...base, maxLambda: 1e-3 }));
    for (const r of trace) expect(r.plateau).toBeLessThanOrEqual(1e-3);
    const last = trace.at(-1)!;
    expect(last.plateau).toBe(1e-3);
    expect(last.flipRate).toBeCloseTo(0.04 / 2, 12); // λK = 1: the clamp wins over the target
  });

  it("cooldownSteps spaces λ changes at least that far apart", () => {
    const c = createFlipRateController({ ...base, cooldownSteps: 100 });
    const changes: number[] = [];
    for (let step = 0; step <= TOTAL; step += REFRESH) {
      const d = c.observe(step, flipModel(c.value(step)));
      if (d.action !== "hold") changes.push(step);
    }
    expect(changes.length).toBeGreaterThan(1);
    for (let i = 1; i < changes.length; i++) expect(changes[i]! - changes[i - 1]!).toBeGreaterThanOrEqual(100);
  });
});

describe("flip-target controller: decisions and errors", () => {
  it("raises ×up above target, lowers ×down well below, holds in between", () => {
    const c = createFlipRateController({ ...base, rampSteps: 0 }); // target(0) = 0.05
    expect(c.observe(0, 0.06)).toMatchObject({ action: "raise", target: 0.05, lambda: 2e-4 });
    expect(c.observe(10, 0.03).action).toBe("hold"); // 0.03 is in [0.5·target, target]
    const d = c.observe(20, 0.001);
    expect(d.action).toBe("lower");
    expect(d.lambda).toBeCloseTo(1.8e-4, 18);
    expect(c.state()).toEqual({ lambda: d.lambda, lastObservedStep: 20, lastChangeStep: 20 });
  });

  it("rejects out-of-order observations, bad flip rates and bad states", () => {
    const c = createFlipRateController(base);
    c.observe(10, 0.01);
    expect(() => c.observe(10, 0.01)).toThrow(ScheduleError);
    expect(() => c.observe(5, 0.01)).toThrow(/strictly increase.*restore/);
    expect(() => c.observe(20, 1.5)).toThrow(/\[0, 1\]/);
    expect(() => c.observe(20, -0.1)).toThrow(ScheduleError);
    expect(() => c.observe(20, Number.NaN)).toThrow(NonFiniteError);
    expect(() => c.value(-1)).toThrow(ScheduleError);
    expect(() => c.restore({ lambda: "big" } as never)).toThrow(/not a controller state/);
    expect(() => c.restore({ lambda: 5, lastObservedStep: null, lastChangeStep: null })).toThrow(/outside \[minLambda, maxLambda\]/);
  });

  it("validates options up front with clear messages", () => {
    expect(() => createFlipRateController({ ...base, endFlipRate: 0.1 })).toThrow(/endFlipRate: must be <= startFlipRate/);
    expect(() => createFlipRateController({ ...base, initialLambda: 1e-4, maxLambda: 1e-5 })).toThrow(/minLambda: must be <= maxLambda|initialLambda/);
    expect(() => createFlipRateController({ ...base, minLambda: 1e-3 })).toThrow(/initialLambda: must lie in/);
    expect(() => createFlipRateController({ ...base, rampSteps: 5000 })).toThrow(/rampSteps: must be <= totalSteps/);
    expect(() => createFlipRateController({ ...base, up: 0.5 })).toThrow(ConfigError);
    expect(() => createFlipRateController({ ...base, down: 1.2 })).toThrow(/down/);
    expect(() => createFlipRateController({ ...base, endFlipRate: 0 })).toThrow(/endFlipRate/);
    expect(() => createFlipRateController({ ...base, lamdaMax: 1 } as never)).toThrow(/unknown option "lamdaMax".*valid options: initialLambda/);
  });
});
