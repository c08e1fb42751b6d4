/**
 * Kernel-side errors. A shader cannot throw, so kernels that validate data (index ranges, NaN scores) record
 * the first problem in a small error buffer `[code, a, b, c]`; the backend reads it with the next `read` or
 * `flush` and throws there (see `deferred-errors.ts`).
 */
export const ERROR_CODES = { gatherIndex: 1, scatterIndex: 2, topKNaN: 3, crossEntropyTarget: 4 } as const;

/** Declares the error buffer at `binding` and `report(code, a, b, c)`, which keeps the first error only. */
export function errorBinding(binding: number): string {
  return `@group(0) @binding(${binding}) var<storage, read_write> E: array<atomic<u32>>;
fn report(code: u32, a: u32, b: u32, c: u32) {
  loop {
    let r = atomicCompareExchangeWeak(&E[0], 0u, code);
    if (r.exchanged) {
      atomicStore(&E[1], a);
      atomicStore(&E[2], b);
      atomicStore(&E[3], c);
      return;
    }
    if (r.old_value != 0u) { return; }
  }
}`;
}
