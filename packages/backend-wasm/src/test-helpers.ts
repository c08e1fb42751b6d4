/**
 * Helpers shared by this package's tests (not exported from index.ts): seeded data, float64 reference
 * products and error norms.
 */

import { afterAll, beforeAll } from "vitest";
import { createWasmBackend, type WasmBackend } from "./backend.js";
import { enableRelaxedSimdInNode } from "./wasm/kernel-module.js";

/** Deterministic uniform values in [-1, 1) (mulberry32). */
export function seededArray(length: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

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
 * A random 2:4 weight [rows, cols]: in every group of 4 along a row, 2 seeded positions keep a value
 * (one group in 7 keeps a single value and one in 11 none, to cover padded groups), the rest are zero.
 */
export function random24(rows: number, cols: number, seed: number): Float32Array {
  const dense = seededArray(rows * cols, seed);
  const picks = seededArray((rows * cols) / 4, seed + 7);
  const pairs = [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]] as const;
  for (let g = 0; g < picks.length; g++) {
    const [first, second] = pairs[Math.floor(((picks[g]! + 1) / 2) * 6) % 6]!;
    for (let p = 0; p < 4; p++) {
      const kept = (p === first && g % 11 !== 0) || (p === second && g % 7 !== 0 && g % 11 !== 0);
      if (!kept) dense[g * 4 + p] = 0;
    }
  }
  return dense;
}

/** Compresses a 2:4 weight in the @adaptive-sparse/io layout (independent of io, for tests). */
export function compress24ForTest(dense: Float32Array, rows: number, cols: number) {
  const groups = (rows * cols) / 4;
  const values = new Float32Array(groups * 2);
  const indices = new Uint8Array(Math.ceil(groups / 2));
  for (let g = 0; g < groups; g++) {
    const kept: number[] = [];
    for (let p = 0; p < 4; p++) if (dense[g * 4 + p] !== 0) kept.push(p);
    for (let p = 0; kept.length < 2; p++) if (!kept.includes(p)) kept.push(p);
    kept.sort((x, y) => x - y);
    values[g * 2] = dense[g * 4 + kept[0]!]!;
    values[g * 2 + 1] = dense[g * 4 + kept[1]!]!;
    indices[g >> 1]! |= (kept[0]! | (kept[1]! << 2)) << ((g & 1) * 4);
  }
  return { values, indices, rows, cols };
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
