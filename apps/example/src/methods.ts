import type { TrainerConfigInput } from "@adaptive-sparse/trainer";
import type { ExampleSettings, MethodName } from "./settings.js";

export interface MethodSpec {
  readonly label: string;
  /** Trained methods run once per seed; one-shot and the teacher itself run once. */
  readonly trained: boolean;
  /** null: the teacher as is (no run). */
  readonly config: TrainerConfigInput | null;
}

/**
 * The trainer config of each compared method (method.md §6, Table 1). Every trained method gets the same
 * steps, batch and LR schedule; the training-based baselines distil from the teacher as the paper's do,
 * except naive retraining, which is the paper's plain-CE fixed-mask baseline.
 */
export function methodSpec(name: MethodName, settings: ExampleSettings, seed: number): MethodSpec {
  // Shared sections are validated by the trainer's schema when the run starts.
  const t = settings.trainer as Record<string, never>;
  // Short runs (--quick, tests) keep the schedule's shape: warmup at most a tenth of the steps, decay ramp half.
  const lr = t.lr as { options?: { warmupSteps?: number } };
  const warmupSteps = Math.min(lr.options?.warmupSteps ?? 0, Math.max(1, Math.floor(settings.steps / 10)));
  const decayRamp = t.decay as { options?: { rampSteps?: number } };
  const decay = { ...decayRamp, options: { ...decayRamp.options, rampSteps: Math.min(decayRamp.options?.rampSteps ?? settings.steps, Math.max(1, Math.floor(settings.steps / 2))) } } as never;
  const base = { steps: settings.steps, batchSize: settings.batchSize, seed, lr: { ...lr, options: { ...lr.options, warmupSteps } } as never, optimizer: t.optimizer, eval: { every: Math.max(1, Math.floor(settings.steps / 6)), maxWindows: settings.evalWindows, batchSize: 8 } } as const;
  const calibration = { calibration: { windows: settings.calibrationWindows, seed: 0, batchSize: 8 } };
  const distill = t.distill;
  switch (name) {
    case "dense":
      return { label: "Dense teacher", trained: false, config: null };
    case "dense-continued":
      return { label: "Dense, continued", trained: true, config: { ...base, method: "dense", distill } };
    case "magnitude":
      return { label: "One-shot magnitude", trained: false, config: { method: "one-shot", mask: { strategy: "magnitude" }, eval: base.eval } };
    case "wanda":
      return { label: "One-shot Wanda", trained: false, config: { method: "one-shot", mask: { strategy: "wanda", ...calibration }, eval: base.eval } };
    case "sparsegpt":
      return { label: "One-shot SparseGPT", trained: false, config: { method: "one-shot", mask: { strategy: "sparsegpt", ...calibration }, eval: base.eval } };
    case "naive":
      return { label: "Naive retraining", trained: true, config: { ...base, method: "naive", distill: null } };
    case "imp":
      return { label: "Iterative magnitude", trained: true, config: { ...base, method: "imp", distill } };
    case "gmp":
      return { label: "Gradual magnitude", trained: true, config: { ...base, method: "gmp", distill, gmp: { every: Math.max(1, Math.floor(settings.steps / 10)) } } };
    // The paper's Table 4 ablations: AST without the adaptive mask (the initial 2:4 mask kept, same loss and
    // budget), and AST's refreshes with a constant decay from step 0 instead of the ramp (static SR-STE).
    case "fixed-mask":
      return { label: "Fixed mask + distillation", trained: true, config: { ...base, method: "naive", distill } };
    case "static-sr-ste": {
      const max = (decayRamp.options as { max?: number } | undefined)?.max ?? 0.1;
      const constant = { schedule: "constant", options: { value: max }, mode: (t.decay as { mode?: string }).mode } as never;
      return { label: "Static SR-STE", trained: true, config: { ...base, method: "ast", distill, decay: constant, refresh: t.refresh } as TrainerConfigInput };
    }
    case "ast-naive":
      return { label: "AST-Naive", trained: true, config: { ...base, method: "ast", distill, decay, refresh: t.refresh } as TrainerConfigInput };
    case "ast-boosted":
      return { label: "AST-Boosted", trained: true, config: { ...base, method: "ast", distill, decay, refresh: t.refresh, slorb: t.slorb } as TrainerConfigInput };
  }
}
