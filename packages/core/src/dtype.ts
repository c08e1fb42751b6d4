import { DTypeError } from "./errors.js";

/**
 * Element types. `f32` is the working type; `f64` exists on the cpu backend for gradient checks;
 * `i32` holds indices and token ids; `u8` holds masks and comparison results (0 or 1).
 */
export type DType = "f32" | "f64" | "i32" | "u8";

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ["f32", "f64", "i32", "u8"];

/** Allocates a zero-filled typed array of `dtype`. */
export function typedArrayFor(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case "f32":
      return new Float32Array(size);
    case "f64":
      return new Float64Array(size);
    case "i32":
      return new Int32Array(size);
    case "u8":
      return new Uint8Array(size);
  }
}

export function bytesPerElement(dtype: DType): number {
  return dtype === "f64" ? 8 : dtype === "u8" ? 1 : 4;
}

export function isFloat(dtype: DType): boolean {
  return dtype === "f32" || dtype === "f64";
}

export function dtypeOfArray(array: TypedArray): DType {
  if (array instanceof Float32Array) return "f32";
  if (array instanceof Float64Array) return "f64";
  if (array instanceof Int32Array) return "i32";
  return "u8";
}

export function assertDType(op: string, arg: string, dtype: DType, allowed: readonly DType[]): void {
  if (!allowed.includes(dtype)) {
    throw new DTypeError(`${op}: ${arg} has dtype ${dtype}, expected one of ${allowed.join(", ")} (convert with .cast('${allowed[0]}'))`);
  }
}
