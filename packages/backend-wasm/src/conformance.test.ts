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

// Every buffer above 2 GiB, where an address read as a signed i32 is negative: a kernel or the pool that
// took a pointer for an i32 fails here. The 2 GiB below is reserved, never touched, so it costs no memory.
describeBackendConformance({
  name: "wasm (wasm GEMM, relaxed SIMD, pool of 2, buffers above 2 GiB)",
  create: async () => {
    const backend = await createWasmBackend({ gemm: "wasm", threads: 2, relaxedSimd: true });
    const fill = freshBufferFill.byte;
    freshBufferFill.byte = null;
    backend.alloc("u8", 2 ** 31);
    freshBufferFill.byte = fill;
    const probe = backend.alloc("f32", 1) as Float32Array;
    if (probe.byteOffset < 2 ** 31) throw new Error(`conformance above 2 GiB: a buffer landed at ${probe.byteOffset}, below 2 GiB`);
    backend.free(probe);
    return backend;
  },
});

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
