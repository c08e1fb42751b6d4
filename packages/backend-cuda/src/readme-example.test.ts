import { matmul, setDefaultBackend, getDefaultBackend, softmax, tensor } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { createCudaBackend } from "./backend.js";
import { isCudaAvailable } from "./plugin.js";

if (!isCudaAvailable()) console.log("README example test skipped: no CUDA driver (libcuda.so.1) or no CUDA device here");

describe.runIf(isCudaAvailable())("README example", () => {
  it("runs the snippet: softmax of a matmul on the GPU, with transfer counters", async () => {
    const previous = getDefaultBackend();
    const gpu = createCudaBackend();
    try {
      expect(gpu.computeCapability[0]).toBeGreaterThanOrEqual(5);
      setDefaultBackend(gpu);
      const x = tensor([1, 2, 3, 4, 5, 6], { shape: [2, 3] });
      const w = tensor([1, 0, 0, 1, 1, 1], { shape: [3, 2] });
      const got = await softmax(matmul(x, w), -1).data();
      // x·w = [[4, 5], [10, 11]]: each row's softmax is [1/(1+e), e/(1+e)].
      const p = 1 / (1 + Math.E);
      expect(Array.from(got)).toEqual([p, 1 - p, p, 1 - p].map((v) => expect.closeTo(v, 6)));
      expect(gpu.stats()).toMatchObject({ hostToDeviceBytes: 48, deviceToHostBytes: 16 });
    } finally {
      setDefaultBackend(previous);
    }
  });
});
