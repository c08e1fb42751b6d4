import { SparseError } from "@adaptive-sparse/core";

/**
 * Error classes of `@adaptive-sparse/backend-wasm`. Each extends core's `SparseError`, so
 * `SparseError.isInstance` recognises them and `code` is stable across versions.
 */

/** An operation needs more WebAssembly memory than a wasm32 module can address (2 GiB here). */
export class WasmMemoryError extends SparseError {
  constructor(message: string) {
    super("E_WASM_MEMORY", message);
  }
}

/** `gemm: "blas"` (or ADAPTIVE_SPARSE_GEMM=blas) was requested and no BLAS library could be loaded. */
export class BlasUnavailableError extends SparseError {
  constructor(message: string) {
    super("E_BLAS_UNAVAILABLE", message);
  }
}
