import { WasmMemoryError } from "../errors.js";
import type { WasmEngine } from "../wasm/engine.js";
import type { OperandSource } from "../wasm/operands.js";
import { planGemm, type GemmCall } from "./gemm-plan.js";

/** Sizes and transposes of one (batched) matrix product. */
export interface GemmDims {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transA: boolean;
  readonly transB: boolean;
}

function runOnce(engine: WasmEngine, operands: OperandSource, a: Float32Array, b: Float32Array, c: Float32Array, dims: GemmDims, aIndex: ArrayLike<number>, bIndex: ArrayLike<number>): void {
  const { m, n, k, transA, transB } = dims;
  try {
    // Backend buffers are used where they are; host arrays come through `operands` (copied, or resident).
    const pa = engine.addressOf(a) ?? operands.acquire(a, "raw", a.byteLength, (p) => engine.f32(p, a.length).set(a));
    const pb = engine.addressOf(b) ?? operands.acquire(b, "raw", b.byteLength, (p) => engine.f32(p, b.length).set(b));
    engine.place([[c, "out"]], ([pc]) => {
      const calls: GemmCall[] = [];
      for (let t = 0; t < aIndex.length; t++) {
        calls.push({
          transA, transB, m, n, k,
          a: pa + aIndex[t]! * m * k * 4, lda: transA ? m : k,
          b: pb + bIndex[t]! * k * n * 4, ldb: transB ? k : n,
          c: pc! + t * m * n * 4, ldc: n,
        });
      }
      engine.runTasks(planGemm(calls, engine.threads, engine.kinds, { rows: engine.tileRows, cols: engine.tileCols }));
    });
  } finally {
    operands.release();
  }
}

/**
 * Batched f32 GEMM through WebAssembly: uses backend buffers where they are in linear memory and brings
 * host arrays in (a copy, or a resident copy from an earlier call), runs
 * `C[t] = op(A[aIndex[t]]) · op(B[bIndex[t]])` for every t on the engine's threads, and copies C out when
 * it is a host array. A is [*, m, k] ([*, k, m] with transA), B is [*, k, n] ([*, n, k] with transB),
 * C is [t, m, n]. When the batch does not fit in wasm32 memory it frees the
 * resident operands and retries, then runs one matrix at a time.
 */
export function wasmGemm(engine: WasmEngine, operands: OperandSource, a: Float32Array, b: Float32Array, c: Float32Array, dims: GemmDims, aIndex: ArrayLike<number>, bIndex: ArrayLike<number>): void {
  if (c.length === 0) return;
  try {
    runOnce(engine, operands, a, b, c, dims, aIndex, bIndex);
    return;
  } catch (error) {
    if (!(error instanceof WasmMemoryError)) throw error;
    engine.resident.evictUntil(0);
    if (aIndex.length === 1) {
      runOnce(engine, operands, a, b, c, dims, aIndex, bIndex);
      return;
    }
  }
  const { m, n, k } = dims;
  for (let t = 0; t < aIndex.length; t++) {
    const ai = aIndex[t]!;
    const bi = bIndex[t]!;
    const one = (array: Float32Array, index: number, size: number) => array.subarray(index * size, (index + 1) * size);
    runOnce(engine, operands, one(a, ai, m * k), one(b, bi, k * n), one(c, t, m * n), dims, [0], [0]);
  }
}
