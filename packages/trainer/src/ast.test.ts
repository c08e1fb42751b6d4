import { computeMaskHost, magnitudeMask } from "@adaptive-sparse/masks";
import type { SparseLinear } from "@adaptive-sparse/nn";
import { describe, expect, it } from "vitest";
import type { TrainerConfigInput } from "./config.js";
import type { RefreshEvent, StepEvent, TrainerEvent } from "./events.js";
import { mean, modelFrom, pretrainedWeights, sampler } from "./test-helpers.js";
import { train } from "./train.js";

const lr = { options: { max: 1e-2, min: 1e-3, warmupSteps: 3 } };
const LAYER = "transformer.h.0.mlp.c_fc";

/** Runs AST from the pretrained model; `watch` sees every event (with the student, for hooks). */
async function ast(config: Partial<TrainerConfigInput>, watch?: (event: TrainerEvent, student: ReturnType<typeof modelFrom>) => void) {
  const weights = await pretrainedWeights();
  const student = modelFrom(weights);
  const events: TrainerEvent[] = [];
  // Plain cross-entropy keeps these runs cheap; distillation is covered in methods.test.ts.
  await train({
    config: { method: "ast", steps: 40, lr, ...config },
    student,
    data: { train: sampler() },
    onEvent: (event) => {
      events.push(event);
      watch?.(event, student);
    },
  });
  return { events, weights, refreshes: events.filter((e): e is RefreshEvent => e.type === "refresh"), steps: events.filter((e): e is StepEvent => e.type === "step") };
}

describe("AST mask refresh and flip rates (method.md §3.9–3.10, §10.1 items 8–9)", () => {
  it("logs flip ratios that fall as λ(t) ramps up, below a λ ≡ 0 control; flips are even per layer", async () => {
    const annealed = await ast({ refresh: { every: 4 }, decay: { options: { max: 0.5, rampSteps: 20 } } });
    const control = await ast({ refresh: { every: 4 }, decay: { options: { max: 0, rampSteps: 20 } } });
    const ratios = (run: typeof annealed) => run.refreshes.filter((e) => e.step < 40).map((e) => e.ratioPrevious);
    const a = ratios(annealed);
    const c = ratios(control);
    expect(annealed.refreshes.map((e) => e.step)).toEqual([0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40]);
    expect(a[0]).toBe(0); // lr(0) = 0: step 0 moves no weight
    const early = mean(a.slice(1, 4));
    const late = mean(a.slice(-3));
    expect(early).toBeGreaterThan(0.01);
    expect(late).toBeLessThan(early / 5);
    expect(late).toBeLessThan(mean(c.slice(-3)) / 2);
    for (const event of annealed.refreshes) {
      for (const layer of event.layers) {
        expect(layer.flipsPrevious % 2).toBe(0);
        expect(layer.flipsInitial % 2).toBe(0);
      }
      const prunable = 2 * (32 * 96 + 32 * 32 + 32 * 128 + 128 * 32);
      expect(event.ratioPrevious).toBeCloseTo(event.flipsPrevious / prunable, 15);
      expect(event.ratioInitial).toBeCloseTo(event.flipsInitial / prunable, 15);
      expect(event.flipsPrevious).toBe(event.layers.reduce((n, l) => n + l.flipsPrevious, 0));
    }
    expect(annealed.refreshes.at(-1)!.flipsInitial).toBeGreaterThan(0);
  });

  for (const phase of ["after-step", "before-step"] as const) {
    it(`${phase}: the mask a step's forward uses comes from the weights after the refresh step`, async () => {
      const used: Uint8Array[] = []; // mask of LAYER in each training forward (one per step)
      const after: Float32Array[] = []; // LAYER's weights after each step's update
      // log.every 1: each step event is emitted right after its step, before an after-step refresh, so it sees that step's weights.
      const { weights } = await ast({ steps: 9, log: { every: 1 }, refresh: { every: 3, phase }, decay: { options: { max: 0.2, rampSteps: 4 } } }, (event, student) => {
        const layer = student.getModule(LAYER) as SparseLinear;
        if (event.type === "start") layer.registerForwardHook((module) => void (module.training && used.push(layer.mask.dataSync() as Uint8Array)));
        if (event.type === "step") after.push(layer.weight.dataSync() as Float32Array);
      });
      const magnitude = (data: Float32Array) => computeMaskHost(magnitudeMask, { data, rows: 128, cols: 32 }, { n: 2, m: 4 });
      expect(used).toHaveLength(9);
      expect(used[0]).toEqual(await magnitude(weights.get(`${LAYER}.weight`)!.data as Float32Array)); // M₀
      for (let t = 1; t < 9; t++) {
        const refreshed = phase === "after-step" ? (t - 1) % 3 === 0 : t % 3 === 0;
        // after-step: refresh after steps 0, 3, 6 → used from steps 1, 4, 7; before-step: before steps 3, 6.
        expect(used[t], `step ${t}`).toEqual(refreshed ? await magnitude(after[t - 1]) : used[t - 1]);
      }
      expect(used.slice(1).some((mask, i) => mask.some((bit, j) => bit !== used[i][j]))).toBe(true); // masks did change
    });
  }

  it("feeds the flip-target controller each refresh's flip ratio and uses its λ", async () => {
    const { refreshes, steps } = await ast({
      steps: 24,
      refresh: { every: 4 },
      decay: { schedule: "flip-target", options: { initialLambda: 0.05, rampSteps: 8, startFlipRate: 0.02, endFlipRate: 0.002 } },
    });
    const observed = refreshes.filter((e) => e.decision);
    expect(observed.map((e) => e.step)).toEqual([0, 4, 8, 12, 16, 20]);
    for (const event of observed) expect(event.decision).toMatchObject({ step: event.step, flipRate: event.ratioPrevious });
    expect(observed.some((e) => e.decision!.action === "raise")).toBe(true);
    let plateau = 0.05;
    for (const step of steps) {
      expect(step.decay).toBeCloseTo(plateau * Math.min(step.step / 8, 1), 12);
      const decided = observed.find((e) => e.step === step.step);
      if (decided) plateau = decided.decision!.lambda;
    }
  });
});
