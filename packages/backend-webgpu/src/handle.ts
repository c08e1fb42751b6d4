import type { DType } from "@adaptive-sparse/core";

/**
 * A tensor buffer of the webgpu backend. The GPUBuffer is created lazily, at the first write or kernel that
 * touches it, because only then are the tensor's shape and the op known for an error message naming them.
 * Every dtype is stored as 32-bit words (u8 masks take one u32 per element).
 */
export interface WebGpuHandle {
  readonly dtype: DType;
  /** Elements. */
  readonly size: number;
  /** Bytes the tensor occupies (at least 4: WebGPU bindings cannot be empty). */
  readonly bytes: number;
  buffer: GPUBuffer | null;
  /**
   * The buffer came from the pool with old contents and nothing has written it yet. Logically it holds zeros
   * (`alloc` promises a zero-filled buffer), so it is cleared before its first use as an input.
   */
  dirty: boolean;
  /** Id of the last command batch that referenced the buffer (see `command-batch.ts`). */
  batch: number;
  freed: boolean;
}

export function createHandle(dtype: DType, size: number): WebGpuHandle {
  return { dtype, size, bytes: Math.max(4, size * 4), buffer: null, dirty: false, batch: 0, freed: false };
}
