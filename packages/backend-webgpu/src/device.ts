import { BackendError } from "@adaptive-sparse/core";

/**
 * The Dawn instance from the `webgpu` package, held for the life of the process: if it is garbage-collected
 * while a device is alive, Dawn crashes the process with no JavaScript error (toolchain.md pitfall 17).
 */
const dawn = new Map<string, GPU>();

export const NO_ADAPTER_HINT =
  "In Node on Linux install a Vulkan driver: Mesa's CPU driver with `apt-get install mesa-vulkan-drivers` " +
  "(Mesa 23 or newer; on Debian bookworm take it from bookworm-backports with `-t bookworm-backports`), or your GPU vendor's driver. " +
  "In a browser use one with WebGPU enabled (Chrome/Edge 113+). Otherwise pick the wasm, gpujs or cpu backend.";

/** What the Dawn instance is started with: profiling (full-resolution timestamps) and/or no robustness. */
export interface DawnFlags {
  readonly profile?: boolean;
  readonly robustness?: boolean;
}

/**
 * Dawn's toggles for `flags`: profiling allows unsafe APIs and keeps timestamps at full resolution (not
 * quantised to 100 µs); `robustness: false` drops the bounds clamp Dawn adds to every array access and the
 * zero-fill of workgroup memory (this backend's kernels check their own bounds).
 */
export function dawnToggles({ profile = false, robustness = true }: DawnFlags): string[] {
  const enable = [...(profile || !robustness ? ["allow_unsafe_apis"] : []), ...(robustness ? [] : ["disable_robustness", "disable_workgroup_init"])];
  return [...(enable.length ? [`enable-dawn-features=${enable.join(",")}`] : []), ...(profile ? ["disable-dawn-features=timestamp_quantization"] : [])];
}

/**
 * `navigator.gpu` where it exists (browsers, Deno), else Dawn through the `webgpu` package (Node) started with
 * {@link dawnToggles} (one Dawn instance per toggle set, each kept for the life of the process).
 */
export async function findGpu(flags: DawnFlags = {}): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  const toggles = dawnToggles(flags);
  const key = toggles.join(" ");
  const existing = dawn.get(key);
  if (existing) return existing;
  const isNode = typeof process !== "undefined" && typeof process.versions?.node === "string";
  if (!isNode) throw new BackendError(`webgpu backend: navigator.gpu is undefined, so this browser has no WebGPU. ${NO_ADAPTER_HINT}`);
  // A variable specifier keeps browser bundlers from trying to bundle the Node-only package.
  const specifier = "webgpu";
  let mod: { create(flags: string[]): GPU };
  try {
    mod = (await import(/* @vite-ignore */ specifier)) as typeof mod;
  } catch (error) {
    throw new BackendError(
      `webgpu backend: could not load the "webgpu" package (Dawn for Node): ${(error as Error).message}. ` +
        `Install it with \`npm install webgpu@0.6.2\` (0.2.x needs a newer libstdc++ than Debian 12 has).`,
    );
  }
  const created = mod.create(toggles);
  dawn.set(key, created);
  return created;
}

export interface OpenedDevice {
  device: GPUDevice;
  /** Adapter description for messages, e.g. "llvmpipe (mesa, software)". */
  description: string;
  /** Whether the backend created the device (and so destroys it in `dispose()`). */
  owned: boolean;
}

/** The error for `precision: "f16"` on an adapter or device without `shader-f16`. */
export function missingF16(where: string): BackendError {
  return new BackendError(
    `webgpu backend: precision "f16" needs the WebGPU feature "shader-f16", which ${where} does not offer. ` +
      `Use precision "f32" (the default), or an adapter with shader-f16 (lavapipe, Apple GPUs, many Vulkan drivers).`,
  );
}

function describe(info: GPUAdapterInfo | undefined): string {
  if (!info) return "unknown adapter";
  const name = info.description || info.device || "unnamed adapter";
  const details = [info.vendor, info.architecture].filter(Boolean).join(", ");
  return details ? `${name} (${details})` : name;
}

/**
 * Requests an adapter and a device with the adapter's largest buffer limits (the defaults cap a binding at
 * 128 MiB, far below what a GPU can hold), `subgroups` where the adapter has it (row reductions), and with
 * `profile` also `timestamp-query` where the adapter has it.
 */
export async function openDevice(gpu: GPU, powerPreference: GPUPowerPreference | undefined, profile = false, f16 = false): Promise<OpenedDevice> {
  const adapter = await gpu.requestAdapter(powerPreference ? { powerPreference } : undefined);
  if (!adapter) throw new BackendError(`webgpu backend: no WebGPU adapter found (requestAdapter() returned null). ${NO_ADAPTER_HINT}`);
  const { limits } = adapter;
  // "subgroups" is newer than the installed @webgpu/types.
  const description = describe((adapter as { info?: GPUAdapterInfo }).info);
  if (f16 && !adapter.features.has("shader-f16")) throw missingF16(description);
  const wanted = ["subgroups" as GPUFeatureName, ...(profile ? ["timestamp-query" as const] : []), ...(f16 ? ["shader-f16" as const] : [])];
  const requiredFeatures = wanted.filter((feature) => adapter.features.has(feature));
  const device = await adapter.requestDevice({
    requiredFeatures,
    requiredLimits: {
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      // The 128×128 GEMM tiles need 16.5 KiB of shared memory (the default limit is 16 KiB).
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
    },
  });
  return { device, description, owned: true };
}
