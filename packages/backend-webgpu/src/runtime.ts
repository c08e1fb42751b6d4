import { BackendError, formatShape, type KernelTable } from "@adaptive-sparse/core";
import { BufferPool } from "./buffer-pool.js";
import { CommandBatch } from "./command-batch.js";
import type { Grid, KernelContext, TensorArg } from "./context.js";
import { DeferredErrors, ERROR_RECORD_BYTES } from "./deferred-errors.js";
import type { OpenedDevice } from "./device.js";
import type { WebGpuHandle } from "./handle.js";
import { createKernelTable } from "./kernels/table.js";
import { BindGroupCache, type Binding } from "./bind-groups.js";
import { PipelineCache } from "./pipeline-cache.js";
import { Profiler } from "./profiler.js";
import { COPY_DST, COPY_SRC, MAP_MODE_READ, MAP_READ, STORAGE } from "./usage.js";

export const MiB = 1024 * 1024;
/** The default pool keeps idle buffers up to 1.25× the peak of live tensor bytes, and at least 256 MiB. */
const DEFAULT_POOL_FLOOR = 256 * MiB;
const POOL_PEAK_FACTOR = 1.25;
const formatBytes = (bytes: number) => (bytes >= MiB ? `${(bytes / MiB).toFixed(1)} MiB` : `${bytes} bytes`);

/**
 * The backend's state on one device: buffer pools, the open command batch, pipelines, the error buffer and
 * the device's health. Kernels see it as their {@link KernelContext}.
 */
export class Runtime implements KernelContext {
  readonly pool: BufferPool;
  readonly staging: BufferPool;
  readonly batch: CommandBatch;
  readonly pipelines: PipelineCache;
  readonly bindGroups: BindGroupCache;
  readonly errors: DeferredErrors;
  readonly kernels: KernelTable<WebGpuHandle>;
  readonly profiler: Profiler;
  live = 0;
  /** Bytes of tensor buffers in use now, and their peak (the default pool cap follows the peak). */
  liveBytes = 0;
  peakLiveBytes = 0;
  /** Peak of live plus pooled (idle) tensor buffer bytes: the GPU memory the pool holds at most. */
  peakHeldBytes = 0;
  /** Host↔device transfer counters and time spent waiting on maps (`stats()`). */
  readonly moved = { hostToDeviceBytes: 0, deviceToHostBytes: 0, mapWaitMs: 0 };
  readonly subgroups: boolean;
  disposed = false;
  lost: GPUDeviceLostInfo | null = null;
  uncaptured: string | null = null;

  constructor(
    readonly opened: OpenedDevice,
    maxPooledBytes: number | undefined,
    profile = false,
    readonly precision: "f32" | "f16" = "f32",
  ) {
    const { device } = opened;
    const limits = device.limits;
    this.profiler = new Profiler(device, profile, 256);
    const highWater = () => Math.max(DEFAULT_POOL_FLOOR, POOL_PEAK_FACTOR * this.peakLiveBytes);
    this.pool = new BufferPool(device, STORAGE | COPY_SRC | COPY_DST, maxPooledBytes ?? highWater, limits.maxBufferSize);
    this.staging = new BufferPool(device, MAP_READ | COPY_DST, 64 * MiB, limits.maxBufferSize);
    this.batch = new CommandBatch(device, limits.minStorageBufferOffsetAlignment, 256 * 1024, 256, this.profiler);
    this.pipelines = new PipelineCache(device);
    this.bindGroups = new BindGroupCache(device);
    this.errors = new DeferredErrors(device);
    this.subgroups = device.features.has("subgroups");
    this.kernels = createKernelTable(this, limits);
    void device.lost.then((info) => {
      if (!this.disposed) this.lost = info;
    });
    device.addEventListener?.("uncapturederror", (event) => {
      this.uncaptured ??= (event as GPUUncapturedErrorEvent).error.message;
    });
  }

  get device(): GPUDevice {
    return this.opened.device;
  }

  assertUsable(where: string): void {
    if (this.disposed) throw new BackendError(`webgpu backend: ${where} after dispose(); create a new backend with createWebGpuBackend()`);
    if (this.lost) {
      throw new BackendError(
        `webgpu backend: the GPU device was lost (${this.lost.reason}: ${this.lost.message.trim()}) before ${where}. ` +
          `Its buffers are gone: create a new backend with createWebGpuBackend() and move the tensors again ` +
          `(a driver reset, a removed GPU or device.destroy() cause this).`,
      );
    }
  }

  /**
   * The handle's GPUBuffer, created on first use; `label` names the op, tensor shape and dtype for errors
   * (a function, so the string is built only when one is thrown: this runs for every binding of every dispatch).
   */
  bufferFor(handle: WebGpuHandle, label: () => string): GPUBuffer {
    if (handle.freed) throw new BackendError(`webgpu backend: ${label()} uses a freed buffer`);
    if (!handle.buffer) {
      const limits = this.device.limits;
      const [name, limit] =
        limits.maxBufferSize < limits.maxStorageBufferBindingSize
          ? ["maxBufferSize", limits.maxBufferSize]
          : ["maxStorageBufferBindingSize", limits.maxStorageBufferBindingSize];
      if (handle.bytes > limit) {
        throw new BackendError(
          `webgpu backend: ${label()} needs ${formatBytes(handle.bytes)}, more than this device's ${name} of ${formatBytes(limit)} ` +
            `(${this.opened.description}). Use smaller tensors (batch size, sequence length) or a GPU with a larger limit.`,
        );
      }
      const { buffer, reused } = this.pool.acquire(handle.bytes);
      this.liveBytes += buffer.size;
      this.peakLiveBytes = Math.max(this.peakLiveBytes, this.liveBytes);
      this.peakHeldBytes = Math.max(this.peakHeldBytes, this.liveBytes + this.pool.pooledBytes);
      handle.buffer = buffer;
      handle.dirty = reused;
    }
    return handle.buffer;
  }

  run(op: string, code: string, args: readonly (TensorArg | GPUBuffer)[], params: readonly number[], grid: Grid): void {
    this.assertUsable(op);
    const start = this.profiler.enabled ? performance.now() : 0;
    const paramBinding = this.batch.params(params);
    const bindings: Binding[] = args.map((arg) => {
      if (!("info" in arg)) return { buffer: arg, size: arg.size };
      const { handle, shape, dtype } = arg.info;
      const buffer = this.bufferFor(handle, () => `${op}: ${arg.role} ${formatShape(shape)} ${dtype}`);
      if (arg.role !== "output" && handle.dirty) this.batch.encoder().clearBuffer(buffer);
      handle.dirty = false;
      handle.batch = this.batch.id;
      return { buffer, size: handle.bytes };
    });
    const pipeline = this.pipelines.get(code);
    const group = this.bindGroups.get(pipeline, { buffer: paramBinding.buffer, size: paramBinding.size! }, bindings);
    this.batch.dispatch(pipeline.pipeline, group, grid, op, [paramBinding.offset!]);
    if (this.profiler.enabled) this.profiler.recordMs += performance.now() - start;
  }

  clear(op: string, target: TensorArg | GPUBuffer): void {
    if (!("info" in target)) {
      this.batch.encoder().clearBuffer(target);
      return;
    }
    const { handle, shape, dtype } = target.info;
    const buffer = this.bufferFor(handle, () => `${op}: output ${formatShape(shape)} ${dtype}`);
    this.batch.encoder().clearBuffer(buffer);
    handle.dirty = false;
    handle.batch = this.batch.id;
  }

  scratch(bytes: number): GPUBuffer {
    const { buffer } = this.pool.acquire(Math.max(4, bytes));
    this.batch.releaseAfterSubmit(buffer, this.pool);
    return buffer;
  }

  errorBuffer(): GPUBuffer {
    this.errors.pending = true;
    return this.errors.buffer;
  }

  grid(items: number): Grid {
    const max = this.device.limits.maxComputeWorkgroupsPerDimension;
    if (items <= max) return [items, 1, 1];
    const y = Math.ceil(items / max);
    return [Math.ceil(items / y), y, 1];
  }

  /** Copies `bytes` of `source` (or none) plus a pending error record to the host; throws what kernels reported. */
  async fetch(source: GPUBuffer | null, bytes: number, where: string): Promise<Uint32Array> {
    const checkErrors = this.errors.pending;
    const total = bytes + (checkErrors ? ERROR_RECORD_BYTES : 0);
    if (total === 0) {
      this.batch.submit();
      return new Uint32Array(0);
    }
    const { buffer: staging } = this.staging.acquire(total);
    const encoder = this.batch.encoder();
    if (source) encoder.copyBufferToBuffer(source, 0, staging, 0, bytes);
    if (checkErrors) {
      encoder.copyBufferToBuffer(this.errors.buffer, 0, staging, bytes, ERROR_RECORD_BYTES);
      encoder.clearBuffer(this.errors.buffer);
      this.errors.pending = false;
    }
    this.batch.submit();
    const waitStart = performance.now();
    try {
      await staging.mapAsync(MAP_MODE_READ, 0, total);
      this.moved.mapWaitMs += performance.now() - waitStart;
    } catch (error) {
      this.assertUsable(where);
      throw new BackendError(`webgpu backend: ${where} failed to map the staging buffer: ${(error as Error).message}`);
    }
    const words = new Uint32Array(staging.getMappedRange(0, total).slice(0));
    staging.unmap();
    this.staging.release(staging);
    const failure = checkErrors ? DeferredErrors.decode(words.subarray(bytes / 4)) : null;
    if (failure) throw failure;
    this.raiseUncaptured();
    return words.subarray(0, bytes / 4);
  }

  raiseUncaptured(): void {
    const message = this.uncaptured;
    if (message === null) return;
    this.uncaptured = null;
    throw new BackendError(`webgpu backend: the GPU reported an error (a bug in backend-webgpu; please report it with the op that ran): ${message}`);
  }
}
