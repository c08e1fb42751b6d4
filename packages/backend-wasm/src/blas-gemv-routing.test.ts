import { matmul, tensor, tidy } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { findBlas, type BlasGemm } from "./blas/blas-library.js";
import { blasCandidates } from "./gemm-path.js";
import { createWasmBackend } from "./index.js";
import { blasGemm } from "./kernels/blas-gemm.js";
import { referenceGemm, relativeFrobenius, seededArray, transpose } from "./test-helpers.js";

/** A BLAS stand-in computing in float64 and recording which routine each product went to. */
function recordingBlas(withGemv: boolean) {
  const calls: string[] = [];
  const blas: BlasGemm = {
    library: "stand-in",
    setThreads: () => {},
    sgemm(transA, transB, m, n, k, a, lda, b, ldb, c) {
      calls.push(`sgemm ${m}x${n}x${k}`);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let p = 0; p < k; p++) sum += (transA ? a[p * lda + i]! : a[i * lda + p]!) * (transB ? b[j * ldb + p]! : b[p * ldb + j]!);
          c[i * n + j] = sum;
        }
      }
    },
    ...(withGemv
      ? {
          sgemv(trans: boolean, rows: number, cols: number, a: Float32Array, lda: number, x: Float32Array, y: Float32Array) {
            calls.push(`sgemv ${trans ? "T" : "N"} ${rows}x${cols}`);
            const out = trans ? cols : rows;
            for (let i = 0; i < out; i++) {
              let sum = 0;
              for (let p = 0; p < (trans ? rows : cols); p++) sum += trans ? a[p * lda + i]! * x[p]! : a[i * lda + p]! * x[p]!;
              y[i] = sum;
            }
          },
        }
      : {}),
  };
  return { blas, calls };
}

describe("blasGemm: one-row and one-column products go to sgemv", () => {
  for (const [m, k, n] of [[1, 7, 5], [6, 7, 1]] as const) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`${m}x${k}x${n} transA=${transA} transB=${transB}: sgemv with the right shape, the float64 product`, () => {
          const [opA, opB] = [seededArray(m * k, 1), seededArray(k * n, 2)];
          const a = transA ? transpose(opA, m, k) : opA;
          const b = transB ? transpose(opB, k, n) : opB;
          const c = new Float32Array(m * n).fill(Number.NaN);
          const { blas, calls } = recordingBlas(true);
          blasGemm(blas, a, b, c, { m, n, k, transA, transB }, [0], [0]);
          const expected = m === 1 ? `sgemv ${transB ? "N" : "T"} ${transB ? `${n}x${k}` : `${k}x${n}`}` : `sgemv ${transA ? "T" : "N"} ${transA ? `${k}x${m}` : `${m}x${k}`}`;
          expect(calls).toEqual([expected]);
          const reference = referenceGemm(opA, opB, m, n, k);
          for (let i = 0; i < c.length; i++) expect(c[i]).toBeCloseTo(reference[i]!, 5);
        });
      }
    }
  }

  it("a library without cblas_sgemv, and every other shape, keeps sgemm", () => {
    const { blas, calls } = recordingBlas(false);
    blasGemm(blas, seededArray(7, 1), seededArray(35, 2), new Float32Array(5), { m: 1, n: 5, k: 7, transA: false, transB: false }, [0], [0]);
    const withGemv = recordingBlas(true);
    blasGemm(withGemv.blas, seededArray(14, 1), seededArray(35, 2), new Float32Array(10), { m: 2, n: 5, k: 7, transA: false, transB: false }, [0], [0]);
    expect([...calls, ...withGemv.calls]).toEqual(["sgemm 1x5x7", "sgemm 2x5x7"]);
  });
});

const { blas: systemBlas, tried } = await findBlas(blasCandidates(undefined, process.platform).candidates);
describe.runIf(systemBlas)("the BLAS path's matrix-vector products on weights in wasm memory", () => {
  it("run on the wasm GEMV (the same bits as the wasm path), host arrays on the library's sgemv", async () => {
    const onBlas = await createWasmBackend({ gemm: "blas", threads: 2, relaxedSimd: false });
    const onWasm = await createWasmBackend({ gemm: "wasm", threads: 2, relaxedSimd: false });
    try {
      const [n, k] = [1000, 768];
      const xData = seededArray(k, 1);
      const wData = seededArray(n * k, 2);
      const decodeRow = (backend: typeof onBlas) =>
        tidy(() => matmul(tensor(xData, { shape: [1, k], backend }), tensor(wData, { shape: [n, k], backend }), { transB: true }).dataSync());
      const viaBlasBackend = decodeRow(onBlas);
      expect(Array.from(viaBlasBackend)).toEqual(Array.from(decodeRow(onWasm)));
      const reference = referenceGemm(xData, transpose(wData, n, k), 1, n, k);
      expect(relativeFrobenius(viaBlasBackend, reference)).toBeLessThanOrEqual(1e-6);
      // Host arrays (backend.gemm) stay on the library, read in place.
      const host = new Float32Array(n);
      onBlas.gemm(xData, wData, host, { m: 1, n, k, transA: false, transB: true });
      expect(relativeFrobenius(host, reference)).toBeLessThanOrEqual(1e-6);
    } finally {
      onBlas.dispose();
      onWasm.dispose();
    }
  });
});
if (!systemBlas) console.log(`BLAS-path GEMV routing: skipped, no BLAS library loaded (tried ${tried.map((t) => t.library).join(", ") || "none"}); install libopenblas0-pthread`);
