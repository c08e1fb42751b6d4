import type { Kernel, KernelTable, TypedArray } from "@adaptive-sparse/core";
import { WasmMemoryError } from "../errors.js";
import type { WasmEngine } from "../wasm/engine.js";

/**
 * Wraps each kernel so that when WebAssembly memory cannot hold the temporary copies of its host-array
 * operands (buffers past the memory's limit are host arrays, and the kernels copy those in), the cpu
 * backend's kernel runs instead: slower, never a failure. These kernels take their memory before any task
 * writes (one run of a few tasks each), so the cpu kernel starts from untouched operands.
 */
export function withCpuFallback(table: Partial<KernelTable<TypedArray>>, cpu: KernelTable<TypedArray>): Partial<KernelTable<TypedArray>> {
  const wrapped: Record<string, Kernel<unknown, TypedArray>> = {};
  for (const [name, kernel] of Object.entries(table) as [string, Kernel<unknown, TypedArray>][]) {
    const reference = (cpu as unknown as Record<string, Kernel<unknown, TypedArray>>)[name]!;
    wrapped[name] = (out, inputs, attrs) => {
      try {
        return kernel(out, inputs, attrs);
      } catch (error) {
        if (!(error instanceof WasmMemoryError)) throw error;
        return reference(out, inputs, attrs);
      }
    };
  }
  return wrapped as Partial<KernelTable<TypedArray>>;
}

/**
 * Runs `run`; when WebAssembly memory cannot hold what it needs, frees every resident operand (copies of host
 * arrays kept between calls) and runs it once more, so a large product evicts cached weights rather than fail.
 */
export function retryAfterEviction(engine: WasmEngine, run: () => void): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof WasmMemoryError)) throw error;
    engine.resident.evictUntil(0);
    run();
  }
}
