import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWasmBackend, type WasmBackend } from "./index.js";
import { enableRelaxedSimd, referenceGemm, relativeFrobenius, seededArray, transpose } from "./test-helpers.js";

await enableRelaxedSimd();

// The GEMM on every path: wasm (baseline and relaxed-SIMD builds) on one thread and on the worker pool
// (2 threads even on a 1-core machine), and the system BLAS where one loads. Each is checked against a
// float64 reference.
const paths: { label: string; options: Parameters<typeof createWasmBackend>[0] }[] = [
  { label: "wasm, 1 thread", options: { gemm: "wasm", threads: 1, relaxedSimd: false } },
  { label: "wasm, pool of 2", options: { gemm: "wasm", threads: 2, relaxedSimd: false } },
  { label: "wasm relaxed SIMD, 1 thread", options: { gemm: "wasm", threads: 1, relaxedSimd: true } },
  { label: "wasm relaxed SIMD, pool of 2", options: { gemm: "wasm", threads: 2, relaxedSimd: true } },
  { label: "blas", options: { gemm: "auto", threads: 2 } },
];

const VARIANTS = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const;

/** op(A), op(B) and their float64 product for one shape (shared by every path and variant). */
function problem(m: number, k: number, n: number, seed: number) {
  const opA = seededArray(m * k, seed);
  const opB = seededArray(k * n, seed + 1);
  return { m, k, n, opA, opB, expected: referenceGemm(opA, opB, m, n, k) };
}

const SHAPES = [
  problem(127, 301, 259, 1), // odd everything: edge tiles in m and n, a k tail in every packer
  problem(1024, 256, 1024, 2), // several cache blocks in m, the pool's split
  problem(1, 512, 300, 3), // GEMV, row vector
  problem(300, 512, 1, 4), // GEMV, column vector
  problem(3, 5, 7, 5), // smaller than one register tile
  problem(64, 1, 33, 6), // k = 1
  problem(1, 13, 301, 7), // GEMV with k tails (one 8-column step, a 4-column remainder, one scalar) and an odd row count
  problem(1, 4, 5, 8), // GEMV rows shorter than one 8-column step
];

let blasSkipSaid = false;
for (const path of paths) {
  describe(`GEMM (${path.label})`, () => {
    let backend: WasmBackend | undefined;
    beforeAll(async () => {
      backend = await createWasmBackend(path.options);
      if (path.options?.relaxedSimd !== undefined) expect(backend.relaxedSimd).toBe(path.options.relaxedSimd);
    });
    afterAll(() => backend?.dispose());

    for (const shape of SHAPES) {
      for (const [transA, transB] of VARIANTS) {
        it(`${shape.m}x${shape.k}x${shape.n} transA=${transA} transB=${transB}: relative Frobenius error <= 1e-4`, (context) => {
          if (path.options?.gemm === "auto" && backend!.gemmPath !== "blas") {
            if (!blasSkipSaid) console.log(`GEMM (blas): its ${SHAPES.length * VARIANTS.length} shape tests skipped, no BLAS library loaded on this machine (install libopenblas0-pthread)`);
            blasSkipSaid = true;
            context.skip();
          }
          const { m, k, n, opA, opB, expected } = shape;
          const a = transA ? transpose(opA, m, k) : opA; // stored [k, m] when transposed
          const b = transB ? transpose(opB, k, n) : opB; // stored [n, k] when transposed
          const c = new Float32Array(m * n).fill(Number.NaN); // every entry must be written
          backend!.gemm(a, b, c, { m, n, k, transA, transB });
          expect(relativeFrobenius(c, expected)).toBeLessThanOrEqual(1e-4);
        });
      }
    }

    it("k = 0 gives zeros and empty m or n give nothing", () => {
      const c = new Float32Array(6).fill(7);
      backend!.gemm(new Float32Array(0), new Float32Array(0), c, { m: 2, n: 3, k: 0, transA: false, transB: false });
      expect(Array.from(c)).toEqual([0, 0, 0, 0, 0, 0]);
      const empty = new Float32Array(0);
      backend!.gemm(new Float32Array(0), new Float32Array(12), empty, { m: 0, n: 3, k: 4, transA: false, transB: false });
      expect(empty.length).toBe(0);
    });

    it("a hand-computed 2x3 · 3x2 product", () => {
      const c = new Float32Array(4);
      backend!.gemm(new Float32Array([1, 2, 3, 4, 5, 6]), new Float32Array([7, 8, 9, 10, 11, 12]), c, { m: 2, n: 2, k: 3, transA: false, transB: false });
      expect(Array.from(c)).toEqual([58, 64, 139, 154]);
    });
  });
}
