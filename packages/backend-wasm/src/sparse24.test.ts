import { compress24 } from "@adaptive-sparse/io";
import { ShapeError } from "@adaptive-sparse/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBlas, type BlasGemm } from "./blas/blas-library.js";
import { blasCandidates } from "./gemm-path.js";
import { createWasmBackend, sparseMatMul24, type WasmBackend } from "./index.js";
import { blasSparse24 } from "./sparse24/blas-sparse24.js";
import { WasmEngine } from "./wasm/engine.js";
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

// GEMV (m <= 15) and GEMM (prefill) paths, on one thread and on the pool; k/4 odd makes rows start
// mid-byte in the index array, and k not a multiple of 32 exercises the byte-at-a-time tails; k >= 128
// gives the GEMV whole 16-octet column blocks, which it runs two rows at a time (48-octet blocks where each
// thread's share of k is a multiple of 384: k = 768, and k = 384 on one thread; 32-octet blocks where it is
// a multiple of 256: k = 512 and 1024 here; k = 1028 and 132 keep 16).
const CASES = [
  { rows: 37, cols: 20, m: 1 },
  { rows: 37, cols: 20, m: 3 },
  { rows: 37, cols: 20, m: 9 },
  { rows: 37, cols: 20, m: 16 }, // the first row count past the GEMV's
  { rows: 300, cols: 512, m: 1 },
  { rows: 300, cols: 512, m: 2 },
  { rows: 300, cols: 516, m: 70 },
  { rows: 40, cols: 256, m: 301 },
  { rows: 1100, cols: 1024, m: 1 }, // enough work for the pool to split the GEMV
  { rows: 37, cols: 132, m: 1 }, // a whole column block and a 1-octet one, an odd row count (the GEMV pairs rows)
  { rows: 1101, cols: 1024, m: 1 }, // an odd row count on the pool, split by column blocks
  { rows: 1024, cols: 1028, m: 2 }, // the pool's column split with two x rows and a half-octet tail
  { rows: 9001, cols: 128, m: 1 }, // one column block: the pool splits by rows, the last piece odd
  { rows: 771, cols: 768, m: 1 }, // GPT-2's k: 48-octet blocks, one per thread on the pool, an odd row count
  { rows: 75, cols: 384, m: 2 }, // one 48-octet block on one thread (16-octet blocks on two)
];

// The last run reserves 2 GiB of wasm memory first (never touched), so every operand's copy, the x table
// and the prepared weight sit at addresses a signed i32 would read as negative.
for (const [threads, relaxedSimd, aboveTwoGiB] of [[1, false, false], [2, false, false], [1, true, false], [2, true, false], [2, true, true]] as const) {
  describe(`backend.sparseMatMul24 and the SparseMatMul24 kernel (${threads} thread${threads > 1 ? "s" : ""}, ${relaxedSimd ? "relaxed" : "baseline"} SIMD${aboveTwoGiB ? ", operands above 2 GiB" : ""})`, () => {
    let backend: WasmBackend;
    beforeAll(async () => {
      backend = await createWasmBackend({ gemm: "wasm", threads, relaxedSimd });
      if (aboveTwoGiB) {
        backend.alloc("u8", 2 ** 31);
        const probe = backend.alloc("f32", 1) as Float32Array;
        expect(probe.byteOffset).toBeGreaterThanOrEqual(2 ** 31);
        backend.free(probe);
      }
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

/** A BLAS stand-in: row-major sgemm in float64 (lda, ldb and ldc honoured), recording each call's m x n x k. */
function float64Blas() {
  const calls: string[] = [];
  const blas: BlasGemm = {
    library: "float64 stand-in",
    setThreads: () => {},
    sgemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc) {
      calls.push(`${m}x${n}x${k}`);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let p = 0; p < k; p++) sum += (transA ? a[p * lda + i]! : a[i * lda + p]!) * (transB ? b[j * ldb + p]! : b[p * ldb + j]!);
          c[i * ldc + j] = sum;
        }
      }
    },
  };
  return { blas, calls };
}

describe("blasSparse24: prefill rows unpacked for a BLAS", () => {
  // 203 rows: chunks of 64 rows (a 16 KB scratch at k = 64) leave a last one of 11; k/4 odd starts rows mid-byte.
  for (const [rows, cols, chunkBytes, chunks] of [[203, 64, 16384, ["16x64x64", "16x64x64", "16x64x64", "16x11x64"]], [40, 20, 1 << 20, ["16x40x20"]]] as const) {
    it(`W [${rows}, ${cols}] in ${chunks.length} chunk(s): the float64 product of the unpacked rows, each chunk one sgemm writing its columns of y`, () => {
      const engine = WasmEngine.createSync();
      const dense = random24(rows, cols, 11);
      const weight = compress24ForTest(dense, rows, cols);
      const x = seededArray(16 * cols, 12);
      const y = new Float32Array(16 * rows).fill(Number.NaN);
      const { blas, calls } = float64Blas();
      blasSparse24(engine, engine.temporary(), blas, x, weight, 16, y, chunkBytes);
      expect(calls).toEqual(chunks);
      // The unpacked rows are exactly W: only the float64 stand-in's rounding of y is left.
      expect(relativeFrobenius(y, denseReference(x, dense, 16, rows, cols))).toBeLessThanOrEqual(1e-7);
    });
  }
});

const { blas: systemBlas, tried } = await findBlas(blasCandidates(undefined, process.platform).candidates);
describe.runIf(systemBlas)("SparseMatMul24 on the BLAS path (prefill through the system BLAS)", () => {
  let backend: WasmBackend;
  beforeAll(async () => {
    backend = await createWasmBackend({ gemm: "blas", threads: 2 });
  });
  afterAll(() => backend?.dispose());
  for (const { rows, cols, m } of [{ rows: 300, cols: 516, m: 70 }, { rows: 1024, cols: 1028, m: 16 }, { rows: 37, cols: 20, m: 15 }]) {
    it(`x [${m}, ${cols}] · W [${rows}, ${cols}]ᵀ matches the dense product (${m > 15 ? "unpacked for the BLAS" : "the GEMV"})`, () => {
      const dense = random24(rows, cols, rows + m);
      const weight = compress24ForTest(dense, rows, cols);
      const x = seededArray(m * cols, m);
      expect(relativeFrobenius(backend.sparseMatMul24(x, weight), denseReference(x, dense, m, rows, cols))).toBeLessThanOrEqual(1e-5);
    });
  }
});
if (!systemBlas) console.log(`SparseMatMul24 on the BLAS path: skipped, no BLAS library loaded (tried ${tried.map((t) => t.library).join(", ") || "none"}); install libopenblas0-pthread`);
