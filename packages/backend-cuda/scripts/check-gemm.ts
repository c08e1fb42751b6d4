// GEMM timing for the CUDA check: our MatMul kernel at each precision (20 back-to-back calls per sample,
// stream-synchronised, median of 3) and cuBLAS bf16 on operands converted once, as PyTorch's bf16 tensors are.
import type { BufferInfo } from "@adaptive-sparse/core";
import { createCudaBackend, type CudaBackend, type Precision } from "../src/index.js";
import { CUDA_R_16BF, rowMajorGemm } from "../src/cublas.js";
import { TO_BF16_SOURCE } from "../src/kernels/indexing.js";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Random values in [-1, 1) for the largest operand; smaller sizes use its prefix. */
export { seededValues as randomValues } from "../../../tooling/conformance/src/device-check.js";

function timeCalls(backend: CudaBackend, call: () => void, reps: number): number {
  call();
  backend.synchronize();
  const samples: number[] = [];
  for (let s = 0; s < 3; s++) {
    const start = performance.now();
    for (let r = 0; r < reps; r++) call();
    backend.synchronize();
    samples.push((performance.now() - start) / reps);
  }
  return median(samples);
}

export interface GemmRow {
  precision: Precision | "bf16-preconverted";
  n: number;
  ms: number;
  tflops: number;
}

/** Times n³ GEMMs for every size at one precision on a fresh backend; logs each row. */
export function timeGemms(precision: Precision, sizes: readonly number[], reps: number, host: Float32Array, log: (line: string) => void): GemmRow[] {
  const backend = createCudaBackend({ precision });
  const rows: GemmRow[] = [];
  try {
    for (const n of sizes) {
      const a = backend.alloc("f32", n * n);
      const b = backend.alloc("f32", n * n);
      const c = backend.alloc("f32", n * n);
      backend.write(a, host.subarray(0, n * n));
      backend.write(b, host.subarray(host.length - n * n));
      const info = (handle: typeof a): BufferInfo => ({ handle, shape: [n, n], dtype: "f32" });
      const ms = timeCalls(backend, () => backend.kernels.MatMul(info(c), [info(a), info(b)], { transA: false, transB: false }), reps);
      const tflops = (2 * n ** 3) / ms / 1e9;
      rows.push({ precision, n, ms, tflops });
      log(`GEMM ${n}³ ${precision} (our MatMul${precision === "bf16" ? " on f32 tensors, bf16 copies made once and cached" : ""}): ${ms.toFixed(3)} ms = ${tflops.toFixed(1)} TFLOP/s`);
      if (precision === "bf16") {
        // Operands converted once, as a bf16 model holds them: the GEMM alone.
        const a16 = backend.alloc("f32", Math.ceil((n * n) / 2));
        const b16 = backend.alloc("f32", Math.ceil((n * n) / 2));
        const rt = backend.runtime;
        rt.launchElements(TO_BF16_SOURCE, n * n, [a16.arg, a.arg, BigInt64Array.of(BigInt(n * n))]);
        rt.launchElements(TO_BF16_SOURCE, n * n, [b16.arg, b.arg, BigInt64Array.of(BigInt(n * n))]);
        const g = rowMajorGemm(false, false, n, n, n);
        const direct = timeCalls(backend, () => rt.cublas.gemmBatchedEx(g.transFirst, g.transSecond, g.m, g.n, g.k,
          { pointer: b16.pointer, ld: g.ldFirst, stride: 0 }, { pointer: a16.pointer, ld: g.ldSecond, stride: 0 }, { pointer: c.pointer, ld: g.ldC, stride: 0 }, 1, CUDA_R_16BF), reps);
        const t2 = (2 * n ** 3) / direct / 1e9;
        rows.push({ precision: "bf16-preconverted", n, ms: direct, tflops: t2 });
        log(`GEMM ${n}³ bf16 (cuBLAS on bf16 operands): ${direct.toFixed(3)} ms = ${t2.toFixed(1)} TFLOP/s`);
        backend.free(a16);
        backend.free(b16);
      }
      [a, b, c].forEach((h) => backend.free(h));
    }
  } finally {
    backend.releaseCached();
  }
  return rows;
}
