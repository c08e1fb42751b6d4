import { compress24 } from "@adaptive-sparse/io";
import { ShapeError } from "@adaptive-sparse/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWasmBackend, sparseMatMul24, type WasmBackend } from "./index.js";
import { compress24ForTest, enableRelaxedSimd, random24, referenceGemm, relativeFrobenius, seededArray, transpose } from "./test-helpers.js";

await enableRelaxedSimd();

/** y [m, rows] = x [m, cols] · Wᵀ in float64 from the dense W. */
function denseReference(x: Float32Array, dense: Float32Array, m: number, rows: number, cols: number): Float64Array {
  return referenceGemm(x, transpose(dense, rows, cols), m, rows, cols);
}

describe("sparseMatMul24", () => {
  it("computes a hand-checked row: W = [0, 5, 0, 7], x = [1, 2, 3, 4] -> 38", () => {
    const weight = { values: new Float32Array([5, 7]), indices: new Uint8Array([0b1101]), rows: 1, cols: 4 };
    expect(Array.from(sparseMatMul24(new Float32Array([1, 2, 3, 4]), weight))).toEqual([38]);
    // Two rows of x: [1, 2, 3, 4] and [0, 1, 0, -1] -> 38 and 5 - 7 = -2.
    expect(Array.from(sparseMatMul24(new Float32Array([1, 2, 3, 4, 0, 1, 0, -1]), weight))).toEqual([38, -2]);
  });

  it("reads the layout @adaptive-sparse/io's compress24 writes", () => {
    const dense = random24(24, 40, 3);
    const x = seededArray(2 * 40, 4);
    const y = sparseMatMul24(x, { ...compress24(dense, 24, 40), rows: 24, cols: 40 });
    expect(relativeFrobenius(y, denseReference(x, dense, 2, 24, 40))).toBeLessThanOrEqual(1e-5);
  });

  it("rejects arrays that do not match the weight's shape", () => {
    const weight = { values: new Float32Array(4), indices: new Uint8Array(1), rows: 1, cols: 8 };
    expect(() => sparseMatMul24(new Float32Array(8), { ...weight, cols: 6 })).toThrow(ShapeError);
    expect(() => sparseMatMul24(new Float32Array(8), { ...weight, values: new Float32Array(3) })).toThrow(/values has 3 entries, expected rows \* cols \/ 2 = 4/);
    expect(() => sparseMatMul24(new Float32Array(8), { ...weight, indices: new Uint8Array(2) })).toThrow(/indices has 2 bytes/);
    expect(() => sparseMatMul24(new Float32Array(7), weight)).toThrow(/not a whole number of rows of 8/);
  });
});

// GEMV (m <= 3) and GEMM (prefill) paths, on one thread and on the pool; k/4 odd makes rows start
// mid-byte in the index array, and k not a multiple of 32 exercises the byte-at-a-time tails; k >= 128
// gives the GEMV whole 16-octet column blocks, which it runs two rows at a time (32-octet blocks where k is
// a multiple of 256 per thread: k = 512 and 1024 here; k = 1028 and 132 keep 16).
const CASES = [
  { rows: 37, cols: 20, m: 1 },
  { rows: 37, cols: 20, m: 3 },
  { rows: 37, cols: 20, m: 9 },
  { rows: 300, cols: 512, m: 1 },
  { rows: 300, cols: 512, m: 2 },
  { rows: 300, cols: 516, m: 70 },
  { rows: 40, cols: 256, m: 301 },
  { rows: 1100, cols: 1024, m: 1 }, // enough work for the pool to split the GEMV
  { rows: 37, cols: 132, m: 1 }, // a whole column block and a 1-octet one, an odd row count (the GEMV pairs rows)
  { rows: 1101, cols: 1024, m: 1 }, // an odd row count on the pool, split by column blocks
  { rows: 1024, cols: 1028, m: 2 }, // the pool's column split with two x rows and a half-octet tail
  { rows: 9001, cols: 128, m: 1 }, // one column block: the pool splits by rows, the last piece odd
];

for (const [threads, relaxedSimd] of [[1, false], [2, false], [1, true], [2, true]] as const) {
  describe(`backend.sparseMatMul24 and the SparseMatMul24 kernel (${threads} thread${threads > 1 ? "s" : ""}, ${relaxedSimd ? "relaxed" : "baseline"} SIMD)`, () => {
    let backend: WasmBackend;
    beforeAll(async () => {
      backend = await createWasmBackend({ gemm: "wasm", threads, relaxedSimd });
    });
    afterAll(() => backend.dispose());

    for (const { rows, cols, m } of CASES) {
      it(`x [${m}, ${cols}] · W [${rows}, ${cols}]ᵀ matches the dense product of the decompressed W`, () => {
        const dense = random24(rows, cols, rows + cols);
        const weight = compress24ForTest(dense, rows, cols);
        const x = seededArray(m * cols, m);
        const expected = denseReference(x, dense, m, rows, cols);
        expect(relativeFrobenius(backend.sparseMatMul24(x, weight), expected)).toBeLessThanOrEqual(1e-5);
        // The fused kernel as core would call it: x [..., k] with leading axes, out [..., n].
        const out = new Float32Array(m * rows).fill(Number.NaN);
        backend.kernels.SparseMatMul24!(
          { handle: out, shape: [1, m, rows], dtype: "f32" },
          [
            { handle: x, shape: [1, m, cols], dtype: "f32" },
            { handle: weight.values, shape: [rows, cols / 2], dtype: "f32" },
            { handle: weight.indices, shape: [weight.indices.length], dtype: "u8" },
          ],
          { n: rows, k: cols },
        );
        expect(relativeFrobenius(out, expected)).toBeLessThanOrEqual(1e-5);
      });
    }
  });
}
