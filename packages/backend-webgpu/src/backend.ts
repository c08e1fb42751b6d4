import { DTypeError, typedArrayFor, type Backend, type DType, type TypedArray } from "@adaptive-sparse/core";
import { findGpu, missingF16, openDevice } from "./device.js";
import { createHandle, type WebGpuHandle } from "./handle.js";
import { checkOptions, type WebGpuBackendOptions } from "./options.js";
import type { WebGpuProfiler } from "./profiler.js";
import { Runtime } from "./runtime.js";

/** Counters for tests and tuning. */
export interface WebGpuStats {
  /** Bytes passed to `write()` (tensor data only; kernel parameters do not count). */
  hostToDeviceBytes: number;
  /** Bytes returned by `read()`. */
  deviceToHostBytes: number;
  /** Tensor/scratch buffer requests served from the pool, and those that created a GPUBuffer. */
  poolHits: number;
  buffersCreated: number;
  /** Dispatches whose bind group came from the cache, and bind groups created. */
  bindGroupHits: number;
  bindGroupsCreated: number;
  /** Milliseconds spent awaiting `mapAsync` in reads and flushes. */
  mapWaitMs: number;
  /** Tensor buffers allocated and not freed (same as `liveBuffers()`). */
  liveBuffers: number;
  /** GPUBuffers that exist (in use or pooled, staging included): flat across training steps when nothing leaks. */
  gpuBuffers: number;
  pooledBytes: number;
  /** Bytes of tensor buffers in use now and their peak since creation (size classes included). */
  liveBytes: number;
  peakLiveBytes: number;
  /** Peak of live plus pooled tensor buffer bytes (what the backend holds on the GPU, scratch aside). */
  peakHeldBytes: number;
  pipelines: number;
  submits: number;
}

/** The webgpu backend: a core `Backend` plus its device and housekeeping. */
export interface WebGpuBackend extends Backend<WebGpuHandle> {
  readonly device: GPUDevice;
  /** The adapter, e.g. "llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1 (mesa, software)". */
  readonly adapter: string;
  /** GEMM precision (the `precision` option): "f32", or "f16" operands with f32 accumulation. */
  readonly precision: "f32" | "f16";
  /** GPU time per kernel label and host recording time (timestamps need `profile: true` at creation). */
  readonly profiler: WebGpuProfiler;
  stats(): WebGpuStats;
  /** Frees pooled buffers and, when the backend created the device, destroys it. */
  dispose(): void;
}

const SUPPORTED: readonly DType[] = ["f32", "i32", "u8"];

function toWords(data: TypedArray): ArrayBufferView {
  if (data instanceof Uint8Array) return Uint32Array.from(data);
  if (data instanceof Float64Array) throw new DTypeError("webgpu backend: cannot write f64 data; cast to f32 first");
  return data;
}

function fromWords(words: Uint32Array, dtype: DType): TypedArray {
  if (dtype === "u8") return Uint8Array.from(words);
  const out = typedArrayFor(dtype, words.length);
  new Uint32Array(out.buffer).set(words);
  return out;
}

/**
 * Creates the WebGPU backend: WGSL kernels for every primitive, batched command submission, pooled buffers.
 * Reads are async only. In Node the device comes from Dawn (the `webgpu` package), in browsers from
 * `navigator.gpu`.
 * @example
 * const backend = await createWebGpuBackend();
 * const x = tensor([1, 2, 3], { backend });
 * console.log(await x.exp().data());
 * @throws BackendError when no adapter is found (the message says which driver to install).
 */
export async function createWebGpuBackend(options?: WebGpuBackendOptions): Promise<WebGpuBackend> {
  const { device, gpu, powerPreference, maxPooledBytes, profile = false, robustness = true, precision = "f32" } = checkOptions(options);
  const f16 = precision === "f16";
  if (device && f16 && !device.features.has("shader-f16")) throw missingF16("the caller's device (created without it)");
  const opened = device ? { device, description: "caller's device", owned: false } : await openDevice(gpu ?? (await findGpu({ profile, robustness })), powerPreference, profile, f16);
  const rt = new Runtime(opened, maxPooledBytes, profile, precision);
  const limits = opened.device.limits;
  return {
    name: "webgpu",
    capabilities: { dtypes: SUPPORTED, syncRead: false, maxBufferBytes: Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize) },
    device: opened.device,
    adapter: opened.description,
    precision,
    profiler: rt.profiler,
    kernels: rt.kernels,
    alloc(dtype, size) {
      if (!SUPPORTED.includes(dtype)) {
        throw new DTypeError(`webgpu backend: dtype ${dtype} is not supported (WGSL has no 64-bit floats); use f32, or the cpu backend for float64 checks`);
      }
      rt.assertUsable("alloc");
      rt.live++;
      return createHandle(dtype, size);
    },
    write(handle, data) {
      rt.assertUsable("write");
      const buffer = rt.bufferFor(handle, () => `write: a ${handle.dtype} tensor of ${handle.size} elements`);
      // queue.writeBuffer runs before the open batch: submit first if that batch still uses this buffer.
      if (handle.batch === rt.batch.id && rt.batch.pending) rt.batch.submit();
      let words = toWords(data);
      if (words.byteLength < handle.bytes && handle.dirty) {
        const full = new Uint32Array(handle.bytes / 4);
        full.set(new Uint32Array(words.buffer, words.byteOffset, words.byteLength / 4));
        words = full;
      }
      rt.moved.hostToDeviceBytes += data.byteLength;
      if (words.byteLength > 0) rt.device.queue.writeBuffer(buffer, 0, words.buffer, words.byteOffset, words.byteLength);
      handle.dirty = false;
    },
    async read(handle, dtype, size) {
      rt.assertUsable("read");
      const source = handle.buffer && !handle.dirty ? handle.buffer : null;
      if (source) handle.batch = rt.batch.id;
      const words = await rt.fetch(source, source ? size * 4 : 0, "read");
      const out = source ? fromWords(words, dtype) : typedArrayFor(dtype, size);
      rt.moved.deviceToHostBytes += out.byteLength;
      return out;
    },
    free(handle) {
      if (handle.freed) return;
      handle.freed = true;
      rt.live--;
      const buffer = handle.buffer;
      handle.buffer = null;
      if (!buffer) return;
      rt.liveBytes -= buffer.size;
      if (rt.disposed) return;
      if (handle.batch === rt.batch.id) rt.batch.releaseAfterSubmit(buffer, rt.pool);
      else rt.pool.release(buffer);
    },
    async flush() {
      rt.assertUsable("flush");
      await rt.fetch(null, 0, "flush");
      await rt.device.queue.onSubmittedWorkDone();
      rt.raiseUncaptured();
    },
    liveBuffers: () => rt.live,
    stats: () => ({
      ...rt.moved,
      poolHits: rt.pool.hits,
      buffersCreated: rt.pool.misses,
      bindGroupHits: rt.bindGroups.hits,
      bindGroupsCreated: rt.bindGroups.misses,
      liveBuffers: rt.live,
      gpuBuffers: rt.pool.created + rt.staging.created,
      pooledBytes: rt.pool.pooledBytes,
      liveBytes: rt.liveBytes,
      peakLiveBytes: rt.peakLiveBytes,
      peakHeldBytes: rt.peakHeldBytes,
      pipelines: rt.pipelines.size,
      submits: rt.batch.submits,
    }),
    dispose() {
      if (rt.disposed) return;
      if (!rt.lost) rt.batch.submit();
      rt.disposed = true;
      rt.pool.clear();
      rt.staging.clear();
      rt.batch.destroy();
      rt.errors.buffer.destroy();
      rt.profiler.destroy();
      if (opened.owned) opened.device.destroy();
    },
  };
}
