import type { FlipRateDecision } from "@adaptive-sparse/schedulers";
import type { Method } from "./config.js";

/** The run has been set up (plugins resolved, masks M₀ computed or restored) and is about to start. */
export interface StartEvent {
  readonly type: "start";
  readonly method: Method;
  /** First step this call runs (0, or the checkpoint's step when resuming). */
  readonly step: number;
  readonly steps: number;
  /** Number of sparse layers and their prunable weights (the flip-rate denominator, method.md §1.3). */
  readonly sparseLayers: number;
  readonly prunableWeights: number;
  readonly resumedFrom: string | null;
}

/**
 * A block of the model went through calibration (its sparse layers' statistics collected and, for one-shot
 * Wanda/SparseGPT, its layers pruned). Calibration runs before the "start" event and can take minutes on a
 * real model (128 windows through every block), so loggers can show how far it is.
 */
export interface CalibrationEvent {
  readonly type: "calibration";
  /** Blocks done so far (1 … blocks). */
  readonly block: number;
  readonly blocks: number;
  /** Calibration windows and tokens each block runs over. */
  readonly windows: number;
  readonly tokens: number;
  /** Seconds since calibration started. */
  readonly elapsed: number;
}

/** One optimizer step finished (emitted after the update, before an after-step mask refresh). */
export interface StepEvent {
  readonly type: "step";
  /** 0-based optimizer step. */
  readonly step: number;
  /** Weighted total loss, mean over the micro-batches. */
  readonly loss: number;
  /** Unweighted loss terms (null when the term's weight is 0). */
  readonly losses: { readonly task: number | null; readonly kl: number | null; readonly layerwise: number | null };
  readonly lr: number;
  /** λ(t) given to the optimizer (0 for methods without decay). */
  readonly decay: number;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
  /** Training tokens consumed so far (including before a resume). */
  readonly tokens: number;
  /**
   * Training throughput over the logging interval this step belongs to (steps are queued on the device
   * and their metrics read every `log.every` steps, so a single step's wall time means little).
   */
  readonly tokensPerSecond: number;
  /** Seconds since this call started, when the step was queued. */
  readonly elapsed: number;
  /**
   * Bytes the student's backend moved host→device and device→host since the previous logging point
   * (`Backend.stats()` deltas, including this log's own reads); set on the last step of each logging
   * interval, null on the others.
   */
  readonly hostToDeviceBytes?: number | null;
  readonly deviceToHostBytes?: number | null;
}

/** Flip counts of one layer at a refresh. */
export interface LayerFlips {
  readonly name: string;
  readonly flipsPrevious: number;
  readonly flipsInitial: number;
}

/**
 * Masks were recomputed (AST refresh, GMP/IMP pruning, the final refresh) or, for a fixed-mask run,
 * checked (flips 0). Ratios are flips over all prunable weights (method.md §3.10).
 */
export interface RefreshEvent {
  readonly type: "refresh";
  /** The step whose weights the masks were computed from (after-step) or that uses them first (before-step). */
  readonly step: number;
  readonly flipsPrevious: number;
  readonly flipsInitial: number;
  readonly ratioPrevious: number;
  readonly ratioInitial: number;
  readonly layers: readonly LayerFlips[];
  /** What the flip-rate decay controller decided, when one is in use. */
  readonly decision: FlipRateDecision | null;
}

/** Validation perplexities. */
export interface EvalEvent {
  readonly type: "eval";
  /** Evaluated before this step's update; `steps` for the final evaluation after finalize. */
  readonly step: number;
  readonly final: boolean;
  /** Perplexity by validation-set name. */
  readonly perplexity: Readonly<Record<string, number>>;
  /** Mean cross-entropy (nats) by validation-set name. */
  readonly loss: Readonly<Record<string, number>>;
}

/** A checkpoint was written. */
export interface CheckpointEvent {
  readonly type: "checkpoint";
  /** Steps completed at the save (a resume starts at this step). */
  readonly step: number;
  readonly dir: string;
  readonly reason: "interval" | "abort" | "final";
}

/** The run's outcome. */
export interface TrainSummary {
  readonly status: "completed" | "aborted";
  readonly method: Method;
  /** Steps completed (including those before a resume). */
  readonly steps: number;
  /** Loss of the last step run, or null. */
  readonly finalLoss: number | null;
  /** Final validation perplexity by name (after finalize), empty without validation data. */
  readonly perplexity: Readonly<Record<string, number>>;
  /** Fraction of prunable weights that are zero in the final masks (0 for dense). */
  readonly sparsity: number;
  readonly elapsed: number;
  /** Folder of the last checkpoint written, or null. */
  readonly checkpoint: string | null;
}

/** The run is over (completed or aborted). */
export interface DoneEvent {
  readonly type: "done";
  readonly step: number;
  readonly summary: TrainSummary;
}

/** Everything the trainer reports, discriminated by `type`. */
export type TrainerEvent = CalibrationEvent | StartEvent | StepEvent | RefreshEvent | EvalEvent | CheckpointEvent | DoneEvent;

/** Receives events; may be async (the trainer awaits it before going on). */
export type EventHandler = (event: TrainerEvent) => void | Promise<void>;

/** One handler that calls each of `handlers` in order. */
export function combineHandlers(handlers: EventHandler | readonly EventHandler[] | undefined): (event: TrainerEvent) => Promise<void> {
  const list = handlers === undefined ? [] : typeof handlers === "function" ? [handlers] : [...handlers];
  return async (event) => {
    for (const handler of list) await handler(event);
  };
}
