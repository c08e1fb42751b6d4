import { describeBackendConformance } from "@adaptive-sparse/conformance";
import { createGpuJsBackend } from "./backend.js";

// One describe per synchronous mode available everywhere; webgpu is in conformance-webgpu.test.ts.
describeBackendConformance({ name: "gpujs (cpu)", create: () => createGpuJsBackend({ mode: "cpu" }) });
describeBackendConformance({ name: "gpujs (webasm)", create: () => createGpuJsBackend({ mode: "webasm" }) });
