/**
 * Helpers shared by this package's tests (not exported from index.ts): seeded data, float64 reference
 * products and error norms.
 */

import { afterAll, beforeAll } from "vitest";
import { createWasmBackend, type WasmBackend } from "./backend.js";
import { enableRelaxedSimdInNode } from "./wasm/kernel-module.js";

export { compress24ForTest, random24, seededArray } from "./test-data.js";

/** Row-major transpose of a [rows, cols] matrix. */
export function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j]!;
  return out;
}

/** C [m, n] = A [m, k] · B [k, n] in float64 (the reference every path is checked against). */
export function referenceGemm(a: Float32Array, b: Float32Array, m: number, n: number, k: number): Float64Array {
  const c = new Float64Array(m * n);
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p]!;
      const offset = p * n;
      for (let j = 0; j < n; j++) row[j]! += av * b[offset + j]!;
    }
    c.set(row, i * n);
  }
  return c;
}

/** ‖actual − expected‖_F / ‖expected‖_F (0 when both are zero). */
export function relativeFrobenius(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let difference = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const d = actual[i]! - e;
    difference += d * d;
    norm += e * e;
  }
  return norm === 0 ? Math.sqrt(difference) : Math.sqrt(difference / norm);
}

/**
 * Lets this test process compile the relaxed-SIMD kernels: Node 20 ships relaxed SIMD behind a V8
 * flag (on by default from Node 22, where this changes nothing). Tests then pin `relaxedSimd` on every
 * backend they create, so both builds are covered whatever else ran in the process.
 */
export async function enableRelaxedSimd(): Promise<void> {
  await enableRelaxedSimdInNode();
}

/**
 * A single-thread and a 2-thread wasm backend (wasm GEMM, the default SIMD build) for the enclosing describe
 * block: created before its tests, disposed after them. Read them as `backends.single` / `backends.pool`.
 */
export function wasmBackendsForTests(): { readonly single: WasmBackend; readonly pool: WasmBackend } {
  const backends = {} as { single: WasmBackend; pool: WasmBackend };
  beforeAll(async () => {
    backends.pool = await createWasmBackend({ threads: 2, gemm: "wasm" });
    backends.single = await createWasmBackend({ threads: 1, gemm: "wasm" });
  });
  afterAll(() => {
    backends.pool.dispose();
    backends.single.dispose();
  });
  return backends;
}
