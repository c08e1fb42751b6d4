import { NonFiniteError, SparseError } from "@adaptive-sparse/core";

/**
 * A training run that cannot go on with what it was given: a checkpoint that does not belong to this
 * config or model, training data that does not fit the model, or a method that is missing an input it
 * needs. Invalid *configs* throw core's `ConfigError` instead; a NaN/Inf loss throws
 * {@link NonFiniteLossError}.
 */
export class TrainerError extends SparseError {
  constructor(message: string) {
    super("E_TRAINER", message);
  }
}

/**
 * A resume of a finished run with more steps: a resume continues a run with the config it started with, and
 * its schedules span its `steps`, so it cannot be lengthened. Training further is a new run from the model
 * the finished one saved.
 */
export class RunFinishedError extends TrainerError {
  constructor(
    message: string,
    /** The steps the finished run was configured for (and completed). */
    readonly steps: number,
  ) {
    super(message);
  }
}

/**
 * The loss became NaN or infinite. The run stops before the optimizer step of `step`, so the weights in
 * memory are those after step `step − 1`; `checkpoint` is the last good checkpoint on disk (or null).
 * It is a core `NonFiniteError`, so `NonFiniteError` handlers catch it too.
 */
export class NonFiniteLossError extends NonFiniteError {
  constructor(
    message: string,
    /** The 0-based optimizer step whose loss was not finite. */
    readonly step: number,
    /** Folder of the last good checkpoint, or null when none was saved in this run. */
    readonly checkpoint: string | null,
  ) {
    super(message);
  }
}
