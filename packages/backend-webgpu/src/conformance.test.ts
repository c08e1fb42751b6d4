import { describeBackendConformance } from "@adaptive-sparse/conformance";
import { describe } from "vitest";
import { hasAdapter, sharedBackend } from "./test-device.js";

if (await hasAdapter()) describeBackendConformance({ name: "webgpu", create: sharedBackend });
else describe.skip("conformance: webgpu (no WebGPU adapter)", () => {});
