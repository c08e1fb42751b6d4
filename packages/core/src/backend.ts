import type { DType, TypedArray } from "./dtype.js";
import type { FusedName, OpAttrs, PrimitiveName } from "./ops/op-names.js";
import type { Shape } from "./shape.js";

/** What a kernel sees of a tensor: its buffer handle, shape and dtype (buffers are always contiguous). */
export interface BufferInfo<H = any> {
  readonly handle: H;
  readonly shape: Shape;
  readonly dtype: DType;
}

/** Writes the op's result into the preallocated `out` buffer. Kernels never modify their inputs. */
export type Kernel<A, H = unknown> = (out: BufferInfo<H>, inputs: readonly BufferInfo<H>[], attrs: A) => void;

/**
 * An in-place update: reads and writes each of `targets`, reads `inputs`. Only optimizer steps (`AdamWStep`,
 * so parameters and their state never leave the device) and a KV cache's appends (`WriteSlice`) are in place.
 */
export type InPlaceKernel<A, H = unknown> = (targets: readonly BufferInfo<H>[], inputs: readonly BufferInfo<H>[], attrs: A) => void;

/** Fused ops whose kernels update their targets in place instead of writing a fresh output. */
export type InPlaceName = "AdamWStep" | "WriteSlice";

/** Every primitive is required; fused ops are optional and fall back to their decomposition. */
export type KernelTable<H = any> = { [K in PrimitiveName]: Kernel<OpAttrs[K], H> } & {
  [K in Exclude<FusedName, InPlaceName>]?: Kernel<OpAttrs[K], H>;
} & { [K in InPlaceName]?: InPlaceKernel<OpAttrs[K], H> };

/** Counters every backend keeps. Host↔device bytes count tensor data passed to `write` and returned by reads. */
export interface BackendStats {
  readonly hostToDeviceBytes: number;
  readonly deviceToHostBytes: number;
  /** Same as `liveBuffers()`. */
  readonly liveBuffers: number;
}

export interface BackendCapabilities {
  readonly dtypes: readonly DType[];
  /** True where `readSync` exists (cpu); GPU backends read asynchronously only. */
  readonly syncRead: boolean;
  readonly maxBufferBytes: number;
}

/**
 * The backend contract: a backend owns buffers and runs kernels in dispatch order.
 * A read waits for pending work on its buffer.
 */
export interface Backend<H = any> {
  readonly name: string;
  readonly capabilities: BackendCapabilities;
  /** A zero-filled buffer of `size` elements. */
  alloc(dtype: DType, size: number): H;
  write(handle: H, data: TypedArray): void;
  read(handle: H, dtype: DType, size: number): Promise<TypedArray>;
  readSync?(handle: H, dtype: DType, size: number): TypedArray;
  free(handle: H): void;
  readonly kernels: KernelTable<H>;
  flush(): Promise<void>;
  /** Buffers allocated and not yet freed (for leak tests). */
  liveBuffers(): number;
  /** Transfer and buffer counters (a training step on a GPU moves no parameter, gradient or state bytes). */
  stats(): BackendStats;
}

/** A backend as registered in the registry (kind `backend`). */
export interface BackendPlugin {
  readonly name: string;
  readonly apiVersion: 1;
  /** Higher wins when no backend is named. */
  readonly priority: number;
  isAvailable(): boolean | Promise<boolean>;
  create(): Backend | Promise<Backend>;
}
