import { describeBackendConformance } from "@adaptive-sparse/conformance";
import { createWasmBackend } from "./index.js";
import { findBlas } from "./blas/blas-library.js";
import { blasCandidates } from "./gemm-path.js";
import { enableRelaxedSimd } from "./test-helpers.js";
import { freshBufferFill } from "./wasm/memory-buffers.js";

await enableRelaxedSimd();

// Fresh buffers hold 0xff bytes (NaN as f32) instead of stale memory: a kernel listed as writing its whole
// output (kernels/whole-output.ts) that leaves any element unwritten fails the suite.
freshBufferFill.byte = 0xff;

// The shared suite (values and gradients against PyTorch, f64 against finite differences) once per GEMM
// path and kernel build. f64 runs the cpu kernels (MatMul falls back for f64), f32 runs ours.
describeBackendConformance({ name: "wasm (wasm GEMM, pool of 2)", create: () => createWasmBackend({ gemm: "wasm", threads: 2, relaxedSimd: false }), float64: true });
describeBackendConformance({ name: "wasm (wasm GEMM, 1 thread)", create: () => createWasmBackend({ gemm: "wasm", threads: 1, relaxedSimd: false }) });
describeBackendConformance({ name: "wasm (wasm GEMM, relaxed SIMD, pool of 2)", create: () => createWasmBackend({ gemm: "wasm", threads: 2, relaxedSimd: true }) });

// CI runs this file once more with no BLAS (ADAPTIVE_SPARSE_BLAS_LIBRARIES=none, before it installs OpenBLAS),
// so the default path, auto, is checked falling back to the wasm GEMM.
const libraries = blasCandidates(undefined, process.platform);
const { blas, tried } = await findBlas(libraries.candidates);
if (blas) {
  describeBackendConformance({ name: `wasm (BLAS GEMM: ${blas.library})`, create: () => createWasmBackend({ gemm: "blas", threads: 2 }) });
} else {
  const what = tried.length ? `tried ${tried.map((t) => t.library).join(", ")}` : `${libraries.source} lists none`;
  console.log(`conformance wasm (BLAS GEMM): skipped, no BLAS library loaded (${what}); install libopenblas0-pthread`);
  // What a user without a BLAS gets by default: auto, falling back to the wasm GEMM.
  describeBackendConformance({ name: "wasm (default gemm auto, no BLAS: wasm GEMM)", create: () => createWasmBackend({ threads: 2 }) });
}
