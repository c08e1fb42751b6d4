import { describeBackendConformance } from "@adaptive-sparse/conformance";
import { describe } from "vitest";
import { createCudaBackend } from "./backend.js";
import { isCudaAvailable } from "./plugin.js";

// The shared suite (PyTorch fixtures, AdamWStep in every mode, leaks) on the GPU, where libcuda.so.1 and a
// device exist; elsewhere it is skipped with the reason printed.
if (isCudaAvailable()) describeBackendConformance({ name: "cuda", create: () => createCudaBackend() });
else {
  console.log("conformance: cuda skipped: no CUDA driver (libcuda.so.1) or no CUDA device here");
  describe.skip("conformance: cuda (no CUDA device)", () => {});
}
