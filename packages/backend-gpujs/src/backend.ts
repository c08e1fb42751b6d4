import { BackendError, DTypeError, typedArrayFor, type Backend, type BackendStats, type DType, type TypedArray } from "@adaptive-sparse/core";
import { Executor } from "./executor.js";
import { loadGpuJs, type GpuJsInstance } from "./gpujs-module.js";
import { KernelCache } from "./kernel-cache.js";
import { createKernelTable, type RouteCounts } from "./kernel-table.js";
import { checkOptions, type GpuJsBackendOptions, type GpuJsMode, type WebGpuEntryPoint } from "./options.js";

/** The gpu.js backend: a core `Backend` over host typed arrays plus its gpu.js instance and routing counts. */
export interface GpuJsBackend extends Backend<TypedArray> {
  readonly mode: GpuJsMode;
  /** Which ops ran on gpu.js and which fell back to the cpu kernels (and why), plus the gpu.js modes used. */
  stats(): BackendStats & { routes: RouteCounts; modesUsed: string[]; kernels: number };
  dispose(): Promise<void>;
}

const SUPPORTED: readonly DType[] = ["f32", "i32", "u8"];

/**
 * Why `mode` cannot run here, or null when it can. For `webgpu`, `gpu` (if given) is first exposed as
 * `navigator.gpu`, where gpu.js looks for it.
 */
export async function modeUnavailable(mode: GpuJsMode, gpu?: WebGpuEntryPoint): Promise<string | null> {
  if (mode === "webgpu" && gpu) exposeGpu(gpu);
  const { GPU } = loadGpuJs();
  const inNode = typeof process !== "undefined" && typeof process.versions?.node === "string";
  const noGl = inNode
    ? "gpu.js's WebGL modes need its optional `gl` (headless-gl) package in Node, which npm dropped because its native build failed"
    : "this browser has no WebGL context";
  switch (mode) {
    case "cpu":
      return null;
    case "webasm":
      return GPU.isWebAssemblySupported ? null : "WebAssembly is not available";
    case "webgl":
      return GPU.isWebGLSupported ? null : noGl;
    case "webgl2":
      return GPU.isWebGL2Supported ? null : noGl;
    case "webgpu":
      if (!GPU.isWebGPUSupported) return "navigator.gpu is undefined (in Node pass { gpu: create([]) } from the webgpu package)";
      return (await GPU.isWebGPUAvailable()) ? null : "navigator.gpu found no adapter (install a Vulkan driver such as mesa-vulkan-drivers)";
  }
}

/** gpu.js reads only the global `navigator.gpu`; Node 20 has no `navigator` and Node 22 a getter-only one. */
function exposeGpu(gpu: WebGpuEntryPoint): void {
  const global = globalThis as { navigator?: { gpu?: WebGpuEntryPoint } };
  if (global.navigator?.gpu === gpu) return;
  if (global.navigator === undefined) Object.defineProperty(globalThis, "navigator", { value: {}, configurable: true, writable: true });
  Object.defineProperty(global.navigator, "gpu", { value: gpu, configurable: true });
}

/**
 * Creates the gpu.js backend. Buffers are host typed arrays; each primitive runs as a gpu.js kernel where
 * gpu.js can express it in f32, else on core's cpu kernel (see the README's fallback table). `cpu` and
 * `webasm` are synchronous (so `dataSync()` works); `webgpu` queues kernels and reads asynchronously.
 * @example
 * const backend = await createGpuJsBackend({ mode: "webasm" });
 * console.log(await tensor([1, 2], { backend }).exp().data());
 * @throws BackendError when the mode is unavailable here (the message says why).
 */
export async function createGpuJsBackend(options?: GpuJsBackendOptions): Promise<GpuJsBackend> {
  const { mode, gpu } = checkOptions(options);
  const why = await modeUnavailable(mode, gpu);
  if (why) throw new BackendError(`gpujs backend: mode "${mode}" is unavailable here: ${why}. Available everywhere: "webasm" and "cpu".`);
  const { GPU } = loadGpuJs();
  const instance: GpuJsInstance = new GPU({ mode });
  const executor = new Executor(mode !== "webgpu");
  const cache = new KernelCache(instance);
  const routes: RouteCounts = {};
  let live = 0;
  const moved = { hostToDeviceBytes: 0, deviceToHostBytes: 0 };
  const backend: GpuJsBackend = {
    name: "gpujs",
    mode,
    capabilities: { dtypes: SUPPORTED, syncRead: executor.sync, maxBufferBytes: 2 ** 31 - 1 },
    kernels: createKernelTable(executor, cache, routes, { gpuMath: mode === "webgpu" || mode === "webgl" || mode === "webgl2" }),
    alloc(dtype, size) {
      if (!SUPPORTED.includes(dtype)) throw new DTypeError(`gpujs backend: dtype ${dtype} is not supported (gpu.js computes in f32); use f32, or the cpu backend for float64`);
      live++;
      return typedArrayFor(dtype, size);
    },
    write(handle, data) {
      moved.hostToDeviceBytes += data.byteLength;
      const copy = data.slice();
      executor.run(() => void handle.set(copy));
    },
    async read(handle) {
      await executor.drain();
      moved.deviceToHostBytes += handle.byteLength;
      return handle.slice();
    },
    free() {
      live--;
    },
    async flush() {
      await executor.drain();
    },
    liveBuffers: () => live,
    stats: () => ({ ...moved, liveBuffers: live, routes, modesUsed: [...cache.modesUsed], kernels: cache.size }),
    async dispose() {
      await executor.drain().catch(() => undefined);
      await instance.destroy();
    },
  };
  if (executor.sync) backend.readSync = (handle) => ((moved.deviceToHostBytes += handle.byteLength), handle.slice());
  return backend;
}
