import { TASK_FIELDS, type TaskKinds } from "../wasm/engine.js";

/** One GEMM `C[m, n] = op(A) · op(B)` on pointers into WebAssembly memory (leading dims in floats). */
export interface GemmCall {
  readonly transA: boolean;
  readonly transB: boolean;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly a: number;
  readonly lda: number;
  readonly b: number;
  readonly ldb: number;
  readonly c: number;
  readonly ldc: number;
}

/** Below this many flops in total a run stays on one thread: waking the pool costs ~10-50 µs. */
export const PARALLEL_MIN_FLOPS = 2 ** 21;
/**
 * The same for matrix-vector products (dense or 2:4), which read each weight once and are bound by one
 * core's share of the memory bandwidth: a second thread pays from 2^19 flops (a 512 x 512 matrix, 1 MB),
 * where its workers are still spinning from the previous kernel, as they are in a decode loop. GPT-2's
 * 768 x 768 products, serial under PARALLEL_MIN_FLOPS, went from 43 to 31 µs (2:4) from memory on 2 threads.
 */
export const GEMV_PARALLEL_MIN_FLOPS = 2 ** 19;

/** A matrix-vector product: one row of op(A) or one column of op(B), as in a decode step. */
export const isMatrixVector = ({ m, n }: { readonly m: number; readonly n: number }): boolean => m === 1 || n === 1;

/** Flops from which a product goes to the pool: GEMVs earlier than GEMMs (see the two constants). */
export const parallelMinFlops = (matrixVector: boolean): number => (matrixVector ? GEMV_PARALLEL_MIN_FLOPS : PARALLEL_MIN_FLOPS);
/** Smallest row chunk of a split GEMM (each chunk re-packs all of op(B)). */
const MIN_ROWS = 32;
/** Smallest column chunk of a split GEMM (each chunk re-packs all of op(A)). */
const MIN_COLS = 64;
/** Smallest chunk of a split matrix-vector product. */
const MIN_GEMV = 64;

/** Pieces of `[0, total)` of at most ceil(total / parts) rounded up to `multiple`, at least `minimum`. */
export function splitRange(total: number, parts: number, multiple: number, minimum: number): [number, number][] {
  const size = Math.max(minimum, Math.ceil(Math.ceil(total / parts) / multiple) * multiple);
  const pieces: [number, number][] = [];
  for (let start = 0; start < total; start += size) pieces.push([start, Math.min(size, total - start)]);
  return pieces.length ? pieces : [[0, total]];
}

class TaskList {
  private readonly fields: number[] = [];
  push(...values: number[]): void {
    for (let i = 0; i < TASK_FIELDS; i++) this.fields.push(values[i] ?? 0);
  }
  toArray(): Int32Array {
    return Int32Array.from(this.fields);
  }
}

/** Matrix-vector products (m = 1 or n = 1) as dot-product or row-axpy tasks over output ranges. */
function planGemv(call: GemmCall, parts: number, kinds: TaskKinds, tasks: TaskList): void {
  const { m, n, k, transA, transB, a, lda, b, ldb, c } = call;
  // y = x · op(B) for m = 1, or y = op(A) · x for n = 1 (then op(A)ᵀ plays the matrix).
  const rowVector = m === 1;
  const count = rowVector ? n : m;
  const x = rowVector ? a : b;
  const mat = rowVector ? b : a;
  const ld = rowVector ? ldb : lda;
  // Dot form when each output reads one contiguous matrix row: op(B) = Bᵀ, or op(A) = A.
  const dot = rowVector ? transB : !transA;
  for (const [start, size] of splitRange(count, parts, 4, MIN_GEMV)) {
    const matrix = mat + (dot ? start * ld : start) * 4;
    tasks.push(dot ? kinds.gemvDot : kinds.gemvAxpy, size, k, x, matrix, ld, c + start * 4, 0);
  }
}

/**
 * Turns a batch of GEMMs into task descriptors. With several threads and enough work, each GEMM is
 * cut into about 2 pieces per thread (threads claim pieces dynamically, which also absorbs a busy core):
 * along m when m >= n (each piece re-packs op(B), the smaller operand then), else along n.
 */
export function planGemm(calls: readonly GemmCall[], threads: number, kinds: TaskKinds, tile: { rows: number; cols: number }): Int32Array {
  const tasks = new TaskList();
  const flops = calls.reduce((sum, call) => sum + 2 * call.m * call.n * call.k, 0);
  const parallel = threads > 1 && flops >= parallelMinFlops(calls.every(isMatrixVector));
  const parts = parallel ? Math.max(1, Math.ceil((2 * threads) / calls.length)) : 1;
  for (const call of calls) {
    const { transA, transB, m, n, k, a, lda, b, ldb, c, ldc } = call;
    if (m === 0 || n === 0) continue;
    if (isMatrixVector(call)) {
      planGemv(call, parts, kinds, tasks);
      continue;
    }
    if (m >= n) {
      const aRow = transA ? 1 : lda; // floats between rows of op(A)
      for (const [start, size] of splitRange(m, parts, tile.rows, MIN_ROWS)) {
        tasks.push(kinds.gemm, +transA, +transB, size, n, k, a + start * aRow * 4, lda, b, ldb, c + start * ldc * 4, ldc, 0);
      }
    } else {
      const bCol = transB ? ldb : 1; // floats between columns of op(B)
      for (const [start, size] of splitRange(n, parts, tile.cols, MIN_COLS)) {
        tasks.push(kinds.gemm, +transA, +transB, m, size, k, a, lda, b + start * bCol * 4, ldb, c + start * 4, ldc, 0);
      }
    }
  }
  return tasks.toArray();
}
