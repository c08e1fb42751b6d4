import { SparseError } from "@adaptive-sparse/core";

/**
 * Misuse of an optimizer at step time: a gradient or mask that does not fit its parameter, a mask value
 * other than 0/1, or a checkpoint state that does not match the optimizer's parameters. Invalid
 * *options* (a negative lr, an unknown key, a duplicated parameter) throw core's `ConfigError` instead.
 */
export class OptimError extends SparseError {
  constructor(message: string) {
    super("E_OPTIM", message);
  }
}
