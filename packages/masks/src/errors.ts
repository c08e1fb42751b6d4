import { SparseError } from "@adaptive-sparse/core";

/**
 * A mask that breaks its N:M pattern (a group with the wrong number of ones, or an entry that is
 * neither 0 nor 1). Code `E_MASK_PATTERN`.
 */
export class MaskPatternError extends SparseError {
  constructor(message: string) {
    super("E_MASK_PATTERN", message);
  }
}

/**
 * A matrix that should be symmetric positive definite is not (Cholesky met a non-positive pivot).
 * For SparseGPT this means the Hessian is too ill-conditioned for its dampening. Code `E_NOT_SPD`.
 */
export class NotPositiveDefiniteError extends SparseError {
  constructor(message: string) {
    super("E_NOT_SPD", message);
  }
}
