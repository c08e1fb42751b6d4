import type { BlasGemm } from "../blas/blas-library.js";
import { splitRange } from "../kernels/gemm-plan.js";
import { retryAfterEviction } from "../kernels/memory-fallback.js";
import { pushTask, type WasmEngine } from "../wasm/engine.js";
import type { OperandSource } from "../wasm/operands.js";
import type { Compressed24Weight } from "./compressed24.js";
import { rawCompressed } from "./wasm-sparse24.js";

/**
 * Bytes of dense W rows unpacked per BLAS call: GPT-2's weights (at most 9.4 MB dense) in one, so the pool
 * unpacks and the library multiplies once per product (8 MB chunks, each a pool run and a BLAS call, were
 * slower: a parked worker's wake-up per chunk), and a bounded scratch for larger models (a 4096 x 11008
 * LLaMA projection would need 180 MB at once).
 */
const CHUNK_BYTES = 32 << 20;

/** Rows per unpack task: each thread gets whole pieces, none under this. */
const MIN_UNPACK_ROWS = 16;

function runOnce(engine: WasmEngine, operands: OperandSource, blas: BlasGemm, x: Float32Array, weight: Compressed24Weight, m: number, y: Float32Array, chunkBytes: number): void {
  const { rows: n, cols: k } = weight;
  try {
    const { values: pv, indices: pi } = rawCompressed(engine, operands, weight);
    const chunkRows = Math.min(n, Math.max(MIN_UNPACK_ROWS, Math.floor(chunkBytes / (4 * k))));
    engine.withBlocks([chunkRows * k * 4], ([chunk]) => {
      for (let row0 = 0; row0 < n; row0 += chunkRows) {
        const rows = Math.min(chunkRows, n - row0);
        const tasks: number[] = [];
        for (const [start, count] of splitRange(rows, engine.threads, 1, MIN_UNPACK_ROWS)) {
          pushTask(tasks, engine.kinds.unpack24, count, row0 + start, k, pv, pi, chunk! + start * k * 4);
        }
        engine.runTasks(Int32Array.from(tasks));
        // The library's threads get the cores (the pool's workers would spin on them otherwise).
        engine.park();
        blas.sgemm(false, true, m, rows, k, x, k, engine.f32(chunk!, rows * k), k, y.subarray(row0), n);
      }
    });
  } finally {
    operands.release();
  }
}

/**
 * y [m, rows] = x [m, cols] · Wᵀ for a 2:4-compressed W on a backend with a system BLAS, for prefill (more
 * rows of x than the GEMV takes): W's rows are unpacked to dense in chunks on the pool (WebAssembly) and each
 * chunk goes through the library's `sgemm`. Unpacking reads the compressed W once per call and writes a
 * chunk that stays in cache; the library's GEMM then runs at its own rate, which beat the wasm 2:4 GEMM (a
 * GPT-2 124M prompt of 32 tokens: see the backend's README). Shapes must already be checked (checkSparse24).
 * `chunkBytes` bounds the dense scratch (tests pass a small one to see several chunks).
 */
export function blasSparse24(engine: WasmEngine, operands: OperandSource, blas: BlasGemm, x: Float32Array, weight: Compressed24Weight, m: number, y: Float32Array, chunkBytes = CHUNK_BYTES): void {
  if (m === 0 || weight.rows === 0) return;
  if (weight.cols === 0) {
    y.fill(0);
    return;
  }
  retryAfterEviction(engine, () => runOnce(engine, operands, blas, x, weight, m, y, chunkBytes));
}
