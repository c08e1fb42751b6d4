import { createCpuBackend } from "@adaptive-sparse/core";
import { describeBackendConformance } from "./suite.js";

describeBackendConformance({ name: "cpu", create: createCpuBackend, float64: true });
