// Bundled by browser-smoke.mjs: runs every conformance fixture case on WebGPU inside Chromium.
import { setDefaultBackend } from "@adaptive-sparse/core";
import { createWebGpuBackend } from "../src/index.js";
import { runFixtures } from "./fixture-runner.js";

(async () => {
  const backend = await createWebGpuBackend().catch((error: Error) => {
    (window as any).__smoke = { error: error.message };
    return null;
  });
  if (!backend) return;
  setDefaultBackend(backend);
  (window as any).__smoke = { adapter: backend.adapter, ...(await runFixtures(backend)) };
})();
