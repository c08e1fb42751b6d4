import { DTypeError } from "@adaptive-sparse/core";

/** The element types the safetensors format defines that this package reads and writes. */
export type SafetensorsDType = "F64" | "F32" | "F16" | "BF16" | "I64" | "I32" | "I16" | "I8" | "U8" | "BOOL";

/** Every supported safetensors dtype, in the order error messages list them. */
export const SAFETENSORS_DTYPES: readonly SafetensorsDType[] = ["F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL"];

/** Typed arrays that hold tensor data on the host. `Uint16Array` holds raw F16/BF16 bits when writing. */
export type HostArray =
  | Float64Array
  | Float32Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array
  | Uint16Array;

/** A tensor as plain data: a dtype (inferred from `data` when omitted on write), a shape and a typed array. */
export interface TypedArrayTensor {
  dtype?: SafetensorsDType;
  shape: readonly number[];
  data: HostArray;
}

/**
 * A tensor whose data is read only when it is written (`read` is called once, right before its bytes go to the
 * file): a checkpoint of device tensors then holds one host copy at a time instead of all of them.
 */
export interface DeferredTensor {
  dtype: SafetensorsDType;
  shape: readonly number[];
  read(): Promise<HostArray>;
}

/** A tensor read from disk: `dtype` is the stored dtype; F16/BF16 data arrive as Float32Array. */
export interface LoadedTensor {
  dtype: SafetensorsDType;
  shape: number[];
  data: HostArray;
}

/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Readonly<Record<SafetensorsDType, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/** True when `value` names a supported dtype. */
export function isSafetensorsDType(value: unknown): value is SafetensorsDType {
  return typeof value === "string" && (SAFETENSORS_DTYPES as readonly string[]).includes(value);
}

/** The dtype a typed array is written as when the caller gives none. */
export function inferDType(data: HostArray, where: string): SafetensorsDType {
  if (data instanceof Float64Array) return "F64";
  if (data instanceof Float32Array) return "F32";
  if (data instanceof BigInt64Array) return "I64";
  if (data instanceof Int32Array) return "I32";
  if (data instanceof Int16Array) return "I16";
  if (data instanceof Int8Array) return "I8";
  if (data instanceof Uint8Array) return "U8";
  throw new DTypeError(`${where}: a Uint16Array is ambiguous; set dtype to "F16" or "BF16" (it then holds raw bits)`);
}

type ArrayConstructor = abstract new (...args: never[]) => HostArray;

/** Which typed array types may carry each dtype on write (F16/BF16 accept float32 values or raw bits). */
const WRITE_ARRAYS: Record<SafetensorsDType, ArrayConstructor[]> = {
  F64: [Float64Array],
  F32: [Float32Array],
  F16: [Float32Array, Uint16Array],
  BF16: [Float32Array, Uint16Array],
  I64: [BigInt64Array],
  I32: [Int32Array],
  I16: [Int16Array],
  I8: [Int8Array],
  U8: [Uint8Array],
  BOOL: [Uint8Array],
};

/** Throws unless `data` is a typed array that can be written as `dtype` without a silent conversion. */
export function assertWritable(dtype: SafetensorsDType, data: HostArray, where: string): void {
  const allowed = WRITE_ARRAYS[dtype];
  if (!allowed.some((type) => data instanceof type)) {
    const names = allowed.map((type) => type.name).join(" or ");
    throw new DTypeError(`${where}: dtype ${dtype} needs data as ${names}, got ${data.constructor.name} (convert the data, or change dtype)`);
  }
}
