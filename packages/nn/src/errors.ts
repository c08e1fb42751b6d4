import { SparseError } from "@adaptive-sparse/core";

/**
 * A state dict that does not fit a module: missing keys, unexpected keys, or a tensor whose shape or
 * dtype differs from the model's. The message names every offending key. Code `E_STATE_DICT`.
 */
export class StateDictError extends SparseError {
  constructor(message: string) {
    super("E_STATE_DICT", message);
  }
}

/**
 * Misuse of the module tree: an unknown child or parameter name, a duplicate registration, or calling
 * `forward` on a pure container. Code `E_MODULE`.
 */
export class ModuleError extends SparseError {
  constructor(message: string) {
    super("E_MODULE", message);
  }
}
