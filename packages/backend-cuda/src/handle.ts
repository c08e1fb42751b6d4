import type { BufferInfo, DType } from "@adaptive-sparse/core";
import type { Block } from "./allocator.js";

/** A device buffer: its block from the caching allocator, and the address as a kernel parameter. */
export interface CudaHandle {
  readonly block: Block;
  readonly pointer: bigint;
  /** `[pointer]`, passed as a kernel parameter without allocating per launch. */
  readonly arg: BigUint64Array;
  readonly dtype: DType;
  readonly size: number;
  readonly bytes: number;
  freed: boolean;
}

export type Info = BufferInfo<CudaHandle>;

export const sizeOfShape = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Scalar kernel parameters, each in its own typed array as cuLaunchKernel's `void**` wants. */
export const i32 = (value: number) => Int32Array.of(value);
export const f32 = (value: number) => Float32Array.of(value);
export const f64 = (value: number) => Float64Array.of(value);
export const i64 = (value: number) => BigInt64Array.of(BigInt(value));
export const NULL_POINTER = new BigUint64Array([0n]);

/** The element count that int-indexed kernels can address. */
export const MAX_ELEMENTS = 2 ** 31 - 1;
