import type { Koffi, KoffiLibrary } from "./koffi-loader.js";

/** Opaque driver handles (context, module, function, event) as koffi returns them. */
export type CuHandle = unknown;

/** Thrown when a driver call fails: names the call and the CUDA error. */
export class CudaError extends Error {
  constructor(readonly call: string, readonly code: number, readonly codeName: string, detail = "") {
    super(`backend-cuda: ${call} failed with ${codeName} (${code})${detail ? `: ${detail}` : ""}`);
    this.name = "CudaError";
  }
}

export const CUDA_ERROR_OUT_OF_MEMORY = 2;

/** The CUDA driver API calls the backend uses, bound through koffi. Pointers are device addresses as bigint. */
export interface CudaDriver {
  readonly path: string;
  readonly version: number;
  deviceCount(): number;
  deviceName(device: number): string;
  computeCapability(device: number): [number, number];
  totalMemory(device: number): number;
  /** Retains the primary context of `device` and makes it current. */
  useDevice(device: number): CuHandle;
  memAlloc(bytes: number): bigint;
  memFree(pointer: bigint): void;
  memGetInfo(): { free: number; total: number };
  copyHtoD(dst: bigint, src: ArrayBufferView, bytes: number): void;
  copyDtoH(dst: ArrayBufferView, src: bigint, bytes: number): void;
  copyDtoD(dst: bigint, src: bigint, bytes: number): void;
  memsetD8(dst: bigint, value: number, count: number): void;
  memsetD32(dst: bigint, value: number, count: number): void;
  moduleLoad(image: Uint8Array): CuHandle;
  moduleFunction(module: CuHandle, name: string): CuHandle;
  /** Launches on the default stream; each parameter is a typed array holding its value. */
  launch(fn: CuHandle, grid: [number, number, number], block: [number, number, number], sharedBytes: number, params: ArrayBufferView[]): void;
  synchronize(): void;
  eventCreate(): CuHandle;
  eventRecord(event: CuHandle): void;
  eventSynchronize(event: CuHandle): void;
  eventElapsedMs(start: CuHandle, end: CuHandle): number;
  eventDestroy(event: CuHandle): void;
}

export function bindDriver(koffi: Koffi, lib: KoffiLibrary, path: string): CudaDriver {
  const f = (signature: string) => lib.func(signature);
  const cuGetErrorName = f("int cuGetErrorName(int error, _Out_ const char **name)");
  const check = (call: string, code: number, detail = "") => {
    if (code === 0) return;
    const name: (string | null)[] = [null];
    cuGetErrorName(code, name);
    throw new CudaError(call, code, name[0] ?? "CUDA_ERROR_UNKNOWN", detail);
  };
  const cuInit = f("int cuInit(unsigned int flags)");
  const cuDriverGetVersion = f("int cuDriverGetVersion(_Out_ int *version)");
  const cuDeviceGetCount = f("int cuDeviceGetCount(_Out_ int *count)");
  const cuDeviceGet = f("int cuDeviceGet(_Out_ int *device, int ordinal)");
  const cuDeviceGetName = f("int cuDeviceGetName(uint8_t *name, int len, int device)");
  const cuDeviceGetAttribute = f("int cuDeviceGetAttribute(_Out_ int *value, int attribute, int device)");
  const cuDeviceTotalMem = f("int cuDeviceTotalMem_v2(_Out_ uint64_t *bytes, int device)");
  const cuDevicePrimaryCtxRetain = f("int cuDevicePrimaryCtxRetain(_Out_ void **context, int device)");
  const cuCtxSetCurrent = f("int cuCtxSetCurrent(void *context)");
  const cuCtxSynchronize = f("int cuCtxSynchronize()");
  const cuMemAlloc = f("int cuMemAlloc_v2(_Out_ uint64_t *pointer, size_t bytes)");
  const cuMemFree = f("int cuMemFree_v2(uint64_t pointer)");
  const cuMemGetInfo = f("int cuMemGetInfo_v2(_Out_ uint64_t *free, _Out_ uint64_t *total)");
  const cuMemcpyHtoD = f("int cuMemcpyHtoD_v2(uint64_t dst, const void *src, size_t bytes)");
  const cuMemcpyDtoH = f("int cuMemcpyDtoH_v2(void *dst, uint64_t src, size_t bytes)");
  const cuMemcpyDtoD = f("int cuMemcpyDtoD_v2(uint64_t dst, uint64_t src, size_t bytes)");
  const cuMemsetD8 = f("int cuMemsetD8_v2(uint64_t dst, uint8_t value, size_t count)");
  const cuMemsetD32 = f("int cuMemsetD32_v2(uint64_t dst, unsigned int value, size_t count)");
  const cuModuleLoadData = f("int cuModuleLoadData(_Out_ void **module, const void *image)");
  const cuModuleGetFunction = f("int cuModuleGetFunction(_Out_ void **fn, void *module, const char *name)");
  const cuLaunchKernel = f(
    "int cuLaunchKernel(void *fn, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx, unsigned int by, unsigned int bz, unsigned int sharedBytes, void *stream, void **params, void **extra)",
  );
  const cuEventCreate = f("int cuEventCreate(_Out_ void **event, unsigned int flags)");
  const cuEventRecord = f("int cuEventRecord(void *event, void *stream)");
  const cuEventSynchronize = f("int cuEventSynchronize(void *event)");
  const cuEventElapsedTime = f("int cuEventElapsedTime(_Out_ float *ms, void *start, void *end)");
  const cuEventDestroy = f("int cuEventDestroy_v2(void *event)");

  check("cuInit", cuInit(0));
  const version = [0];
  check("cuDriverGetVersion", cuDriverGetVersion(version));
  const device = (ordinal: number) => {
    const out = [0];
    check("cuDeviceGet", cuDeviceGet(out, ordinal));
    return out[0]!;
  };
  const attribute = (attr: number, ordinal: number) => {
    const out = [0];
    check("cuDeviceGetAttribute", cuDeviceGetAttribute(out, attr, device(ordinal)));
    return out[0]!;
  };
  void koffi;
  return {
    path,
    version: version[0]!,
    deviceCount() {
      const out = [0];
      check("cuDeviceGetCount", cuDeviceGetCount(out));
      return out[0]!;
    },
    deviceName(ordinal) {
      const buffer = Buffer.alloc(256);
      check("cuDeviceGetName", cuDeviceGetName(buffer, 256, device(ordinal)));
      return buffer.toString("utf8", 0, buffer.indexOf(0));
    },
    // 75/76: CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR/MINOR.
    computeCapability: (ordinal) => [attribute(75, ordinal), attribute(76, ordinal)],
    totalMemory(ordinal) {
      const out = [0];
      check("cuDeviceTotalMem", cuDeviceTotalMem(out, device(ordinal)));
      return Number(out[0]);
    },
    useDevice(ordinal) {
      const context: unknown[] = [null];
      check("cuDevicePrimaryCtxRetain", cuDevicePrimaryCtxRetain(context, device(ordinal)));
      check("cuCtxSetCurrent", cuCtxSetCurrent(context[0]));
      return context[0];
    },
    memAlloc(bytes) {
      const out = [0];
      check("cuMemAlloc", cuMemAlloc(out, bytes), `${bytes} bytes`);
      return BigInt(out[0]!);
    },
    memFree: (pointer) => check("cuMemFree", cuMemFree(pointer)),
    memGetInfo() {
      const free = [0];
      const total = [0];
      check("cuMemGetInfo", cuMemGetInfo(free, total));
      return { free: Number(free[0]), total: Number(total[0]) };
    },
    copyHtoD: (dst, src, bytes) => check("cuMemcpyHtoD", cuMemcpyHtoD(dst, src, bytes)),
    copyDtoH: (dst, src, bytes) => check("cuMemcpyDtoH", cuMemcpyDtoH(dst, src, bytes)),
    copyDtoD: (dst, src, bytes) => check("cuMemcpyDtoD", cuMemcpyDtoD(dst, src, bytes)),
    memsetD8: (dst, value, count) => check("cuMemsetD8", cuMemsetD8(dst, value, count)),
    memsetD32: (dst, value, count) => check("cuMemsetD32", cuMemsetD32(dst, value >>> 0, count)),
    moduleLoad(image) {
      const out: unknown[] = [null];
      check("cuModuleLoadData", cuModuleLoadData(out, image));
      return out[0];
    },
    moduleFunction(module, name) {
      const out: unknown[] = [null];
      check("cuModuleGetFunction", cuModuleGetFunction(out, module, name), name);
      return out[0];
    },
    launch(fn, [gx, gy, gz], [bx, by, bz], sharedBytes, params) {
      check("cuLaunchKernel", cuLaunchKernel(fn, gx, gy, gz, bx, by, bz, sharedBytes, null, params, null));
    },
    synchronize: () => check("cuCtxSynchronize", cuCtxSynchronize()),
    eventCreate() {
      const out: unknown[] = [null];
      check("cuEventCreate", cuEventCreate(out, 0));
      return out[0];
    },
    eventRecord: (event) => check("cuEventRecord", cuEventRecord(event, null)),
    eventSynchronize: (event) => check("cuEventSynchronize", cuEventSynchronize(event)),
    eventElapsedMs(start, end) {
      const out = [0];
      check("cuEventElapsedTime", cuEventElapsedTime(out, start, end));
      return out[0]!;
    },
    eventDestroy: (event) => check("cuEventDestroy", cuEventDestroy(event)),
  };
}
