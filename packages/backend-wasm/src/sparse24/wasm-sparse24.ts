import { parallelMinFlops, splitRange } from "../kernels/gemm-plan.js";
import { retryAfterEviction } from "../kernels/memory-fallback.js";
import { pushTask, type WasmEngine } from "../wasm/engine.js";
import type { OperandSource } from "../wasm/operands.js";
import type { Compressed24Weight } from "./compressed24.js";

/**
 * Rows of x up to which each row runs as a GEMV (a gather table per row, then one pass over W per row); from
 * here on W is unpacked once for all rows: into the wasm GEMM's panels, or into dense rows for a BLAS
 * (blasSparse24). Measured on GPT-2's four shapes at 2 threads (AMD EPYC), ms per product: 4 rows by GEMV
 * 0.12-0.23 against 0.18-0.66 by the wasm 2:4 GEMM and 0.6-1.6 unpacked through OpenBLAS; 8 rows 0.23-0.43
 * against 0.23-0.83 and 0.59-1.57; 16 rows 0.27-0.88 against 0.30-1.11 and 0.27-0.99.
 */
export const SPARSE_GEMV_MAX_ROWS = 15;

function uploadBytes(engine: WasmEngine, data: Uint8Array): (pointer: number) => void {
  return (pointer) => new Uint8Array(engine.memory.buffer, pointer, data.length).set(data);
}

/** W in the GEMV's prepared layout (values re-laid in column blocks, positions as table offsets). */
function acquirePrepared(engine: WasmEngine, operands: OperandSource, weight: Compressed24Weight, blockOctets: number): { values: number; codes: number } {
  const { values, indices, rows: n, cols: k } = weight;
  const { kernels } = engine;
  const valuesBytes = kernels.preparedValuesBytes(n, k);
  const codesBytes = kernels.preparedCodesBytes(n, k);
  // One block holds both parts, derived from the values and the positions: a change to either drops it.
  const kind = `sparse24-gemv:${n}x${k}:${blockOctets}`;
  const block = operands.acquire(values, kind, valuesBytes + codesBytes, (pointer) =>
    engine.withBlocks([values.byteLength, indices.length], ([rawValues, rawIndices]) => {
      engine.f32(rawValues!, values.length).set(values);
      uploadBytes(engine, indices)(rawIndices!);
      kernels.prepareSparse24(n, k, blockOctets, rawValues!, rawIndices!, pointer, pointer + valuesBytes);
    }),
    [indices],
  );
  return { values: block, codes: block + valuesBytes };
}

/** Addresses of W's values and index bytes as given (the packed layout): backend buffers where they are, host arrays brought in. */
export function rawCompressed(engine: WasmEngine, operands: OperandSource, weight: Compressed24Weight): { values: number; indices: number } {
  const { values, indices } = weight;
  return {
    values: engine.addressOf(values) ?? operands.acquire(values, "raw", values.byteLength, (p) => engine.f32(p, values.length).set(values)),
    indices: engine.addressOf(indices) ?? operands.acquire(indices, "raw", indices.length, uploadBytes(engine, indices)),
  };
}

function runOnce(engine: WasmEngine, operands: OperandSource, x: Float32Array, weight: Compressed24Weight, m: number, y: Float32Array): void {
  const { rows: n, cols: k } = weight;
  const { kernels, kinds } = engine;
  const gemv = m <= SPARSE_GEMV_MAX_ROWS;
  try {
    // The GEMV reads W in its prepared layout, the GEMM the packed layout as given.
    // Column blocks sized for one column piece per thread (sparse24BlockOctets); a fixed count per engine.
    const block = gemv ? kernels.sparse24BlockOctets(k, engine.threads) : 0;
    const prepared = gemv ? acquirePrepared(engine, operands, weight, block) : null;
    const raw = prepared ? null : rawCompressed(engine, operands, weight);
    const pv = prepared ? prepared.values : raw!.values;
    const pi = prepared ? prepared.codes : raw!.indices;
    const tableBytes = gemv ? kernels.pairTableBytes(k) : 0;
    const parts = engine.threads > 1 && 2 * m * n * k >= parallelMinFlops(gemv) ? 2 * engine.threads : 1;
    const blocks = gemv ? kernels.sparse24GemvBlocks(k, block) : 0;
    // On the pool the GEMV is split by column blocks, one piece per thread, when every thread can get one,
    // each piece into a partial y of its own; otherwise by rows. Each piece reads one contiguous stretch of W
    // (the layout is block-major) and its slice of the table: 8-12% faster on 2 threads than splitting rows,
    // which reads a piece of every block. One piece per thread rather than two: on GPT-2's shapes (k = 768,
    // 6 blocks) half the partials to add and 7% faster per decoded token.
    const columnPieces = gemv && parts > 1 && blocks >= engine.threads ? splitRange(blocks, engine.threads, 1, 1) : null;
    const partialBytes = columnPieces ? m * columnPieces.length * n * 4 : 0;
    engine.place([[x, "in"], [y, "out"]], ([px, py]) =>
      engine.withBlocks([m * tableBytes, partialBytes], ([pt, pp]) => {
        const tasks: number[] = [];
        if (gemv) {
          for (let r = 0; r < m; r++) {
            const table = pt! + r * tableBytes;
            const xRow = px! + r * k * 4;
            if (columnPieces) {
              // Each piece builds its own blocks' part of the table, on its own thread.
              columnPieces.forEach(([from, count], p) => {
                pushTask(tasks, kinds.sparse24Gemv, n, 0, n, k, from, from + count, table, pv, pi, pp! + (r * columnPieces.length + p) * n * 4, 0, xRow, block);
              });
            } else {
              // Row pieces share the whole table: built here, before they start (a lone piece builds it itself).
              const rowPieces = splitRange(n, parts, 4, 64);
              const shared = rowPieces.length > 1;
              if (shared) kernels.buildPairTable(k, xRow, table);
              for (const [row0, count] of rowPieces) {
                pushTask(tasks, kinds.sparse24Gemv, count, row0, n, k, 0, blocks, table, pv, pi, py! + (r * n + row0) * 4, 0, shared ? 0 : xRow, block);
              }
            }
          }
        } else if (m >= n) {
          for (const [start, size] of splitRange(m, parts, engine.tileRows, 32)) {
            pushTask(tasks, kinds.sparse24Gemm, size, n, k, px! + start * k * 4, k, pv, pi, py! + start * n * 4, n, 0, 0);
          }
        } else {
          for (const [start, size] of splitRange(n, parts, engine.tileCols, 64)) {
            pushTask(tasks, kinds.sparse24Gemm, m, size, k, px!, k, pv, pi, py! + start * 4, n, 0, start);
          }
        }
        engine.runTasks(Int32Array.from(tasks));
        if (columnPieces) kernels.sumPartials(m, columnPieces.length, n, pp!, py!);
      }),
    );
  } finally {
    operands.release();
  }
}

/**
 * y [m, rows] = x [m, cols] · Wᵀ for a 2:4-compressed W on host arrays: brings x and W into wasm memory
 * (W's values and positions may stay resident between calls), runs the GEMV (m <= SPARSE_GEMV_MAX_ROWS:
 * decode) or the decompress-into-panels GEMM (prefill) on the engine's threads, and copies y out. Shapes must already
 * be checked (checkSparse24).
 */
export function wasmSparse24(engine: WasmEngine, operands: OperandSource, x: Float32Array, weight: Compressed24Weight, m: number, y: Float32Array): void {
  if (m === 0 || weight.rows === 0) return;
  retryAfterEviction(engine, () => runOnce(engine, operands, x, weight, m, y));
}
