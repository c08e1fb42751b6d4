import { SparseError } from "@adaptive-sparse/core";

/**
 * An evaluation that cannot run on what it was given: a token stream shorter than one window, a task
 * file line that is not a valid example, token ids outside the model's vocabulary, or an evaluator
 * called without an input it needs. Invalid options throw core's `ConfigError`; mismatched weight
 * shapes throw `ShapeError`.
 */
export class EvalError extends SparseError {
  constructor(message: string) {
    super("E_EVAL", message);
  }
}
