import { describeBackendConformance } from "@adaptive-sparse/conformance";
import { describe } from "vitest";
import { createGpuJsBackend, modeUnavailable } from "./backend.js";
import { webgpuForTests } from "./test-webgpu.js";

// gpu.js's webgpu mode through Dawn (Mesa lavapipe on a CPU-only machine). Kernel calls are asynchronous here.
const gpu = await webgpuForTests();
const why = gpu ? await modeUnavailable("webgpu", gpu) : "the webgpu package could not be loaded";
if (why && process.env.REQUIRE_DEVICE !== "1") {
  console.log(`gpujs webgpu conformance skipped: ${why} (set REQUIRE_DEVICE=1 to fail instead)`);
  describe.skip("conformance: gpujs (webgpu)", () => {});
} else {
  describeBackendConformance({ name: "gpujs (webgpu)", create: () => createGpuJsBackend({ mode: "webgpu", gpu: gpu! }) });
}
