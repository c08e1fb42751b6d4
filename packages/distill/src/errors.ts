import { SparseError } from "@adaptive-sparse/core";

/**
 * A loss called without the inputs it needs (e.g. the `kl` plugin without teacher logits), or a
 * weighted combination whose non-zero weight has no loss term. Mismatched shapes throw core's
 * `ShapeError`; invalid options throw `ConfigError`.
 */
export class DistillError extends SparseError {
  constructor(message: string) {
    super("E_DISTILL", message);
  }
}
