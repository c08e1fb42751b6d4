import { WasmEngine } from "../wasm/engine.js";
import { checkSparse24, type Compressed24Weight } from "./compressed24.js";
import { wasmSparse24 } from "./wasm-sparse24.js";

let defaultEngine: WasmEngine | undefined;

/**
 * y = x · Wᵀ for a 2:4-compressed W [rows, cols], run directly on host arrays by the WebAssembly 2:4
 * kernels: a GEMV per row of x for decode (m <= 15), a GEMM that decompresses W into its packed panels
 * for prefill. Uses a lazily created single-thread engine (synchronous compile: Node, or a worker);
 * `backend.sparseMatMul24` of a {@link createWasmBackend} backend runs the same kernels on its pool
 * (and prefill through the system BLAS where one loaded).
 *
 * @param x [m, cols] f32, row-major.
 * @param weight values [rows, cols/2], indices ceil(rows*cols/8) bytes (as `compress24` of
 *   @adaptive-sparse/io returns them), rows, cols (a multiple of 4).
 * @returns y [m, rows] f32.
 * @throws ShapeError when the arrays do not match the weight's shape.
 * @example
 * // W = [[0, 5, 0, 7]] compressed: values [5, 7], positions 1 and 3 -> nibble 0b1101
 * sparseMatMul24(new Float32Array([1, 2, 3, 4]), { values: new Float32Array([5, 7]), indices: new Uint8Array([0b1101]), rows: 1, cols: 4 });
 * // Float32Array [38]  (5*2 + 7*4)
 */
export function sparseMatMul24(x: Float32Array, weight: Compressed24Weight): Float32Array {
  const m = checkSparse24("sparseMatMul24", x, weight);
  const y = new Float32Array(m * weight.rows);
  defaultEngine ??= WasmEngine.createSync();
  wasmSparse24(defaultEngine, defaultEngine.temporary(), x, weight, m, y);
  return y;
}
