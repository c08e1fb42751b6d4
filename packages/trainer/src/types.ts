import type { Backend, Registry } from "@adaptive-sparse/core";
import type { WindowSampler } from "@adaptive-sparse/data";
import type { CausalLM, SparseLayerEntry } from "@adaptive-sparse/nn";
import type { TrainerConfig, TrainerConfigInput } from "./config.js";
import type { EventHandler, TrainSummary } from "./events.js";

/** The data a run reads. Token streams are plain arrays of ids (`Uint16Array`, `Uint32Array`, …). */
export interface TrainData {
  /** Training batches (`createWindowSampler`); required by every method except one-shot. */
  readonly train?: WindowSampler;
  /** Validation token streams by name (e.g. `{ wikitext: tokens }`), scored for perplexity. */
  readonly validation?: Readonly<Record<string, ArrayLike<number>>>;
  /** Token stream the calibration windows are drawn from; required when the mask strategy needs activations or a Hessian. */
  readonly calibration?: ArrayLike<number>;
}

/** What {@link train} takes; `M` is the student's class (any `CausalLM`: GPT, or a model of another family). */
export interface TrainOptions<M extends CausalLM = CausalLM> {
  /** The run's config; validated (with every plugin's options) before any compute. */
  readonly config: TrainerConfigInput | TrainerConfig;
  /** Where plugin names are looked up; default `createDefaultRegistry()`. */
  readonly registry?: Registry;
  /** The model to train or prune, dense (pretrained). Sparse methods swap its Linears for SparseLinears in place. */
  readonly student: M;
  /** Frozen dense teacher for distillation (eval mode, no gradients); any `CausalLM` with the student's vocabulary. */
  readonly teacher?: CausalLM | null;
  /**
   * Where the student trains (its parameters, gradients, optimizer state and masks). The student is moved
   * there first (`await student.to(backend)`) when it lives elsewhere. Default: where the student already is.
   */
  readonly backend?: Backend;
  /**
   * Where the teacher runs; it is moved there first when it lives elsewhere. Default: where it already is.
   * A teacher on another backend than the student's gets each batch's ids from the host and sends its
   * logits (and hidden states) back with one read each, so its backend must read synchronously (cpu, wasm).
   */
  readonly teacherBackend?: Backend;
  readonly data: TrainData;
  /** Aborting saves a checkpoint (when `checkpoint.dir` is set) after the current step, then stops. */
  readonly signal?: AbortSignal;
  /** Called (and awaited) with every event, in order. */
  readonly onEvent?: EventHandler | readonly EventHandler[];
  /** Continue from this checkpoint folder (written by an earlier run with the same config). */
  readonly resumeFrom?: string;
}

/** What {@link train} resolves to. */
export interface TrainResult<M extends CausalLM = CausalLM> {
  /** `completed`, or `aborted` when the signal stopped the run early. */
  readonly status: "completed" | "aborted";
  /** Optimizer steps done in total (including those before a resume). */
  readonly step: number;
  /** The student, trained (and for sparse methods finalized: W = M ⊙ W, masks in its state dict). */
  readonly model: M;
  /** The sparse layers (empty for dense). */
  readonly layers: readonly SparseLayerEntry[];
  /** Mean loss of each optimizer step run in this call, in order. */
  readonly losses: readonly number[];
  readonly summary: TrainSummary;
}
