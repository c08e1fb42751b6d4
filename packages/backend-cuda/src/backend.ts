import { BackendError, bytesPerElement, typedArrayFor, type Backend, type BackendStats, type DType, type KernelTable, type TypedArray } from "@adaptive-sparse/core";
import { CachingAllocator, type AllocatorStats } from "./allocator.js";
import { Bf16Cache } from "./bf16-cache.js";
import { CUBLAS_DEFAULT_MATH, CUBLAS_TF32_TENSOR_OP_MATH } from "./cublas.js";
import { CUDA_ERROR_OUT_OF_MEMORY, CudaError } from "./driver.js";
import { MAX_ELEMENTS, type CudaHandle } from "./handle.js";
import { computeOps } from "./ops/compute-ops.js";
import { elementwiseOps } from "./ops/elementwise-ops.js";
import { matMulOp, type Precision } from "./ops/matmul-op.js";
import { CudaRuntime, type RuntimeOptions } from "./runtime.js";

export interface CudaBackendOptions extends RuntimeOptions {
  /** GEMM precision: "f32" (default, parity with cpu), "tf32" (tensor-op math) or "bf16" (bf16 operands, f32 accumulation and output). */
  precision?: Precision;
}

/** Counters of the cuda backend: core's, the allocator's, and kernel activity. */
export interface CudaStats extends BackendStats, AllocatorStats {
  readonly kernelLaunches: number;
  readonly compiledKernels: number;
  readonly compileMs: number;
}

export interface CudaBackend extends Backend<CudaHandle> {
  readonly deviceName: string;
  readonly computeCapability: readonly [number, number];
  readonly precision: Precision;
  readonly runtime: CudaRuntime;
  stats(): CudaStats;
  /** Waits for all queued work (for timing). */
  synchronize(): void;
  /** Returns cached device memory to the driver. */
  releaseCached(): void;
  /** Waits for queued work and returns cached memory; live buffers stay valid until freed. */
  dispose(): void;
}

const DTYPES: readonly DType[] = ["f32", "i32", "u8"];

/**
 * The CUDA backend: buffers from a caching allocator, kernels generated as CUDA C and compiled by NVRTC,
 * GEMMs through cuBLAS, everything on the default stream in dispatch order. Throws `CudaLibraryError`
 * naming each missing library when the driver, NVRTC or cuBLAS cannot be found.
 */
export function createCudaBackend(options: CudaBackendOptions = {}): CudaBackend {
  const precision = options.precision ?? "f32";
  if (!["f32", "tf32", "bf16"].includes(precision)) throw new BackendError(`backend-cuda: precision must be "f32", "tf32" or "bf16", got "${precision}"`);
  const rt = new CudaRuntime(options);
  const driver = rt.driver;
  rt.cublas.setMathMode(precision === "tf32" ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH);
  const allocator = new CachingAllocator({
    malloc: (bytes) => driver.memAlloc(bytes),
    free: (pointer) => driver.memFree(pointer),
    info: () => driver.memGetInfo(),
    isOutOfMemory: (error) => error instanceof CudaError && error.code === CUDA_ERROR_OUT_OF_MEMORY,
  });
  let liveHandles = 0;
  let hostToDeviceBytes = 0;
  let deviceToHostBytes = 0;
  const cache = precision === "bf16" ? new Bf16Cache(rt, allocator) : null;
  const compute = computeOps(rt, driver);
  const adamw = compute.AdamWStep!;
  const kernels = {
    ...elementwiseOps(rt),
    ...compute,
    // In place: the targets' bf16 copies are stale afterwards.
    AdamWStep: (targets, inputs, attrs) => {
      adamw(targets, inputs, attrs);
      if (cache) for (const target of targets) cache.invalidate(target.handle);
    },
    MatMul: matMulOp(rt, precision, cache),
  } as KernelTable<CudaHandle>;

  const check = (handle: CudaHandle, what: string) => {
    if (handle.freed) throw new BackendError(`backend-cuda: ${what} of a freed buffer (${handle.dtype} × ${handle.size})`);
  };
  const readInto = (handle: CudaHandle, dtype: DType, size: number): TypedArray => {
    check(handle, "read");
    rt.checkErrors();
    const out = typedArrayFor(dtype, size);
    if (out.byteLength > handle.bytes) throw new BackendError(`backend-cuda: read of ${size} ${dtype} elements from a buffer of ${handle.size} ${handle.dtype}`);
    if (out.byteLength) driver.copyDtoH(out, handle.pointer, out.byteLength);
    deviceToHostBytes += out.byteLength;
    return out;
  };

  return {
    name: "cuda",
    deviceName: rt.deviceName,
    computeCapability: rt.computeCapability,
    precision,
    runtime: rt,
    capabilities: { dtypes: DTYPES, syncRead: true, maxBufferBytes: MAX_ELEMENTS * 4 },
    alloc(dtype, size) {
      if (!DTYPES.includes(dtype)) throw new BackendError(`backend-cuda: dtype ${dtype} is not supported on the GPU (use f32, i32 or u8)`);
      if (size > MAX_ELEMENTS) throw new BackendError(`backend-cuda: a buffer of ${size} ${dtype} elements exceeds the ${MAX_ELEMENTS} elements kernels index`);
      const bytes = size * bytesPerElement(dtype);
      const block = allocator.allocate(bytes, `${dtype} × ${size}`);
      // Zero-filled by contract (a reused block holds old data).
      if (bytes) driver.memsetD32(block.pointer, 0, Math.ceil(bytes / 4));
      liveHandles++;
      return { block, pointer: block.pointer, arg: new BigUint64Array([block.pointer]), dtype, size, bytes, freed: false };
    },
    write(handle, data) {
      check(handle, "write");
      if (data.byteLength > handle.bytes) throw new BackendError(`backend-cuda: write of ${data.byteLength} bytes into a buffer of ${handle.bytes} bytes (${handle.dtype} × ${handle.size})`);
      if (data.byteLength) driver.copyHtoD(handle.pointer, data, data.byteLength);
      cache?.invalidate(handle);
      hostToDeviceBytes += data.byteLength;
    },
    async read(handle, dtype, size) {
      return readInto(handle, dtype, size);
    },
    readSync: readInto,
    free(handle) {
      check(handle, "free");
      handle.freed = true;
      liveHandles--;
      cache?.invalidate(handle);
      allocator.release(handle.block);
    },
    kernels,
    async flush() {
      driver.synchronize();
      rt.checkErrors();
    },
    // Tensor buffers only (the allocator's live blocks also count bf16 operand copies).
    liveBuffers: () => liveHandles,
    stats() {
      const a = allocator.stats();
      return { hostToDeviceBytes, deviceToHostBytes, liveBuffers: liveHandles, ...a, kernelLaunches: rt.launches, compiledKernels: rt.compiledKernels, compileMs: rt.compileMs };
    },
    synchronize: () => driver.synchronize(),
    releaseCached: () => allocator.releaseCached(),
    dispose() {
      driver.synchronize();
      allocator.releaseCached();
    },
  };
}
