import { z } from "zod";

/** Options of {@link createWasmBackend} (all optional). */
export const wasmBackendOptionsSchema = z.strictObject({
  /** Threads for the wasm kernels (default: every hardware thread; 1 = no worker pool). */
  threads: z.number().int().min(1).max(256).optional(),
  /**
   * GEMM path: `auto` (a system BLAS when one loads, else wasm), `blas` (fail without one) or `wasm`.
   * Default: the ADAPTIVE_SPARSE_GEMM environment variable, else `auto`.
   */
  gemm: z.enum(["auto", "blas", "wasm"]).optional(),
  /**
   * Bytes of WebAssembly memory for operands kept resident between kernel calls (weights then cross
   * into wasm once, not on every call). Default 1 GiB (half of what wasm32 addresses); 0 copies every operand on every call.
   */
  residentBytes: z.number().int().min(0).max(2 ** 31).optional(),
  /**
   * Use the relaxed-SIMD build of the kernels (fused multiply-add, 1.2-1.5x the GEMM throughput). Default:
   * when the runtime supports it (Node 22+, Chrome 114+, or Node 20 with --experimental-wasm-relaxed-simd);
   * false pins the baseline build, true fails where it is unsupported.
   */
  relaxedSimd: z.boolean().optional(),
  /** BLAS libraries to try, in order, instead of the platform defaults (file names or paths). */
  blasLibraries: z.array(z.string().min(1)).min(1).optional(),
});

export type WasmBackendOptions = z.input<typeof wasmBackendOptionsSchema>;
