import type { WebGpuEntryPoint } from "./options.js";

/**
 * Dawn's WebGPU entry point for the webgpu-mode tests (the `webgpu` package arrives with gpu.js), or null when
 * it cannot load. Held for the whole process: Dawn crashes if it is collected while a device lives.
 */
let pinned: WebGpuEntryPoint | null = null;

export async function webgpuForTests(): Promise<WebGpuEntryPoint | null> {
  if (pinned) return pinned;
  try {
    const specifier = "webgpu";
    const { create } = (await import(/* @vite-ignore */ specifier)) as { create(flags: string[]): WebGpuEntryPoint };
    pinned = create([]);
  } catch {
    return null;
  }
  return pinned;
}
