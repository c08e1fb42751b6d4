import { noGrad, sum, tensor, type Backend, type Tensor } from "@adaptive-sparse/core";
import type { TypedArrayTensor, LoadedTensor } from "@adaptive-sparse/io";
import type { CausalLM } from "@adaptive-sparse/nn";
import type { AdamW } from "@adaptive-sparse/optim";
import type { TrainerConfig } from "./config.js";
import type { DeviceLog } from "./device-log.js";
import type { TrainerEvent } from "./events.js";
import type { LayerStatistics } from "./calibration.js";
import type { MaskComputer } from "./mask-computer.js";
import type { ResolvedPlugins } from "./plugins.js";
import type { SparseModel } from "./sparse-model.js";
import type { FlipRateDecision } from "@adaptive-sparse/schedulers";

/** Everything a method's hooks may touch during a run. */
export interface RunContext {
  readonly config: TrainerConfig;
  readonly plugins: ResolvedPlugins;
  readonly student: CausalLM;
  readonly backend: Backend;
  /** The sparse layers (null for dense). */
  readonly sparse: SparseModel | null;
  /** The configured mask strategy (null for dense). */
  readonly masks: MaskComputer | null;
  /** Calibration statistics the strategy reads at every refresh (empty when it needs none); checkpointed. */
  readonly stats: Map<string, LayerStatistics>;
  /** The optimizer; IMP replaces it at each round. */
  optimizer: AdamW;
  /** Builds a fresh optimizer over the student's parameters (same grouping and masks). */
  readonly createOptimizer: () => AdamW;
  readonly emit: (event: TrainerEvent) => Promise<void>;
  /** Step metrics and refresh flip counts waiting on the device for the next logging point. */
  readonly log: DeviceLog;
}

/** A method's extra checkpoint content: JSON state and named host tensors. */
export interface MethodCheckpoint {
  readonly state: unknown;
  readonly tensors: Readonly<Record<string, TypedArrayTensor>>;
}

/**
 * What makes one training method differ from another, as hooks called by the shared loop in the order
 * of method.md §3.9: `lr`/`decay` at the start of step t; `beforeStep` (before-step refresh, GMP pruning,
 * IMP round switch); the step itself; `afterUpdate` right after the optimizer update; the step event;
 * `afterStep` (after-step refresh); and `finalize` once the last step is done.
 */
export interface MethodHooks {
  lr(step: number): number;
  decay(step: number): number;
  /** Initial masks M₀ (not called when resuming: the checkpoint has them). */
  initialize(): Promise<void>;
  beforeStep(step: number): Promise<void>;
  afterUpdate(step: number): void;
  afterStep(step: number): Promise<void>;
  /** Final refresh / pruning; then the loop applies W ← M ⊙ W and verifies N:M. */
  finalize(steps: number): Promise<void>;
  checkpoint(): MethodCheckpoint;
  restore(state: unknown, tensors: ReadonlyMap<string, LoadedTensor>): void;
}

/**
 * Sets new masks (when given; host arrays are uploaded once, device tensors copied on the device and
 * disposed), counts flips against the previous and initial masks on the device, and reports a `refresh`
 * event. With `next` null the current masks are reported unchanged (fixed-mask runs: 0 flips). The
 * counts are read at the next logging point, except with `decide` (a flip-rate controller sets λ from
 * this refresh's ratio, so they are read now).
 */
export async function refreshMasks(ctx: RunContext, step: number, next: readonly (Tensor | Uint8Array)[] | null, decide?: (ratioPrevious: number) => FlipRateDecision): Promise<void> {
  const sparse = ctx.sparse!;
  const masks = next?.map((mask, i) => (mask instanceof Uint8Array ? tensor(mask, { shape: [sparse.layers[i].rows, sparse.layers[i].cols], dtype: "u8", backend: sparse.backend }) : mask));
  const counts = sparse.flipCounts(masks);
  if (masks) {
    sparse.layers.forEach((entry, i) => sparse.setMask(entry, masks[i]));
    for (const mask of masks) mask.dispose();
  }
  if (!decide && ctx.config.log.values === "logging-step") {
    // Model-wide totals only (8 bytes to read), summed on the device.
    const totals = noGrad(() => sum(counts, 0));
    counts.dispose();
    return ctx.log.refresh(step, totals, (values) => sparse.flipTotals(values));
  }
  if (!decide) return ctx.log.refresh(step, counts, (values) => sparse.flipStats(values));
  await ctx.log.flush();
  const stats = sparse.flipStats(await counts.data());
  counts.dispose();
  await ctx.emit({ type: "refresh", step, ...stats, decision: decide(stats.ratioPrevious) });
}
