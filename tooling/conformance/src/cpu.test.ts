import { createCpuBackend } from "@adaptive-sparse/core";
import { describeBackendConformance } from "./suite.js";

describeBackendConformance({ name: "cpu", create: createCpuBackend, float64: true });
// The same backend without its fused kernels runs every composite through its decomposition into primitives,
// which is the path any backend without fused kernels takes.
describeBackendConformance({ name: "cpu-unfused", create: () => createCpuBackend({ fused: false }), float64: true });
