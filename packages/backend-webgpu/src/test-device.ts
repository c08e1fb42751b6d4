import { createWebGpuBackend, type WebGpuBackend } from "./backend.js";
import { isWebGpuAvailable } from "./plugin.js";

/**
 * One backend shared by every test file of this package (lavapipe device creation and pipeline compiles are
 * slow on a CPU). Tests skip when no adapter exists, unless `REQUIRE_DEVICE=1` (then they fail).
 */
let shared: Promise<WebGpuBackend> | null = null;

export const deviceRequired = process.env.REQUIRE_DEVICE === "1";

export async function hasAdapter(): Promise<boolean> {
  const ok = await isWebGpuAvailable();
  if (!ok && !deviceRequired) console.log("backend-webgpu tests skipped: no WebGPU adapter (install mesa-vulkan-drivers, or set REQUIRE_DEVICE=1 to fail instead)");
  return ok || deviceRequired;
}

export function sharedBackend(): Promise<WebGpuBackend> {
  shared ??= createWebGpuBackend();
  return shared;
}

/** Deterministic pseudo-random numbers in [-1, 1) for test inputs. */
export function randomValues(count: number, seed = 1): number[] {
  let state = seed >>> 0 || 1;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}
