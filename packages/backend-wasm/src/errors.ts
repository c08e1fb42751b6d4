import { SparseError } from "@adaptive-sparse/core";

/**
 * Error classes of `@adaptive-sparse/backend-wasm`. Each extends core's `SparseError`, so
 * `SparseError.isInstance` recognises them and `code` is stable across versions.
 */

/** An operation needs more WebAssembly memory than a wasm32 module can address (4 GiB). */
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

/** What is known about a trapped kernel; each layer (pool, engine, backend kernel) adds its part. */
export interface KernelTrap {
  /** The wasm trap reason, e.g. "RuntimeError: memory access out of bounds". */
  readonly reason: string;
  /** 0 = the calling thread, 1.. = a pool worker. */
  readonly thread: number;
  /** Threads of the pool (1 = no pool). */
  readonly threads: number;
  /** Which descriptor of the run, and its kind, e.g. "task 3 of 8 (gemm)". */
  readonly task?: string;
  /** The descriptor's index in its run (0-based). */
  readonly taskIndex?: number;
  /** "relaxed SIMD" or "baseline SIMD". */
  readonly build?: string;
  /** The op or entry point, e.g. "MatMul" or "backend.gemm". */
  readonly op?: string;
  /** Its operands, e.g. "inputs f32[512,128], f32[384,128]; output f32[512,384]". */
  readonly operands?: string;
}

function describeTrap(trap: KernelTrap): string {
  const where = trap.thread === 0 ? "the calling thread" : `worker thread ${trap.thread}`;
  const op = trap.op ? `${trap.op}${trap.operands ? ` (${trap.operands})` : ""}` : "a kernel";
  const build = trap.build ? `, ${trap.build} build` : "";
  const task = trap.task ? `, ${trap.task}` : "";
  return (
    `wasm backend: ${op} trapped on ${where} (pool of ${trap.threads} thread${trap.threads === 1 ? "" : "s"}${build}${task}): ${trap.reason}. ` +
    "This is a bug in @adaptive-sparse/backend-wasm; please report this message. The backend's WebAssembly memory may be corrupt: do not keep using it"
  );
}

/**
 * A WebAssembly kernel trapped (out-of-bounds access, unreachable). The message names the op, its
 * operands' dtypes and shapes, the thread, the pool size, the SIMD build and the trap reason; `trap`
 * holds the same as fields. Code `E_WASM_KERNEL_TRAP`.
 */
export class WasmKernelError extends SparseError {
  constructor(readonly trap: KernelTrap) {
    super("E_WASM_KERNEL_TRAP", describeTrap(trap));
  }

  /** The same trap with more context (fields already known win: the innermost layer knows best). */
  with(context: Partial<KernelTrap>): WasmKernelError {
    return new WasmKernelError({ ...context, ...this.trap });
  }
}
