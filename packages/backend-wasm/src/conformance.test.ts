import { describeBackendConformance } from "@adaptive-sparse/conformance";
import { createWasmBackend } from "./index.js";
import { findBlas, defaultBlasCandidates } from "./blas/blas-library.js";
import { enableRelaxedSimd } from "./test-helpers.js";

await enableRelaxedSimd();

// The shared suite (values and gradients against PyTorch, f64 against finite differences) once per GEMM
// path and kernel build. f64 runs the cpu kernels (MatMul falls back for f64), f32 runs ours.
describeBackendConformance({ name: "wasm (wasm GEMM, pool of 2)", create: () => createWasmBackend({ gemm: "wasm", threads: 2, relaxedSimd: false }), float64: true });
describeBackendConformance({ name: "wasm (wasm GEMM, 1 thread)", create: () => createWasmBackend({ gemm: "wasm", threads: 1, relaxedSimd: false }) });
describeBackendConformance({ name: "wasm (wasm GEMM, relaxed SIMD, pool of 2)", create: () => createWasmBackend({ gemm: "wasm", threads: 2, relaxedSimd: true }) });

const { blas, tried } = await findBlas(defaultBlasCandidates(process.platform));
if (blas) {
  describeBackendConformance({ name: `wasm (BLAS GEMM: ${blas.library})`, create: () => createWasmBackend({ gemm: "blas", threads: 2 }) });
} else {
  console.log(`conformance wasm (BLAS GEMM): skipped, no BLAS library loaded (tried ${tried.map((t) => t.library).join(", ")}); install libopenblas0-pthread`);
}
