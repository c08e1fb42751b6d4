import type { FileHandle } from "node:fs/promises";
import { DTypeError, ShapeError } from "@adaptive-sparse/core";
import { writeAtomically } from "./atomic.js";
import { FileFormatError } from "./errors.js";
import { assertLittleEndian, bytesOf, writeAll } from "./file-io.js";
import { encodeBFloat16, encodeFloat16 } from "./half.js";
import { DTYPE_BYTES, assertWritable, inferDType, type DeferredTensor, type HostArray, type SafetensorsDType, type TypedArrayTensor } from "./safetensors-dtypes.js";

/** Tensors to write: a record or a map (e.g. the result of `readSafetensors`), with data or a deferred `read`. */
export type TensorsToWrite = Readonly<Record<string, TypedArrayTensor | DeferredTensor>> | ReadonlyMap<string, TypedArrayTensor | DeferredTensor>;

interface Planned {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  size: number;
  /** The data, or how to read it when its turn comes. */
  data: HostArray | (() => Promise<HostArray>);
}

// Float32 -> F16/BF16 conversion runs in slices so the encoded copy never holds a whole tensor.
const ENCODE_SLICE = 1 << 20;

function plan(path: string, tensors: TensorsToWrite): Planned[] {
  const entries = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  const planned = entries.map(([name, tensor]): Planned => {
    const where = `writeSafetensors: ${path}: tensor "${name}"`;
    if (name === "" || name === "__metadata__") throw new FileFormatError(`${where}: this name is reserved or empty; rename the tensor`);
    const shape = [...tensor.shape];
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new ShapeError(`${where}: shape [${shape.join(", ")}] must hold non-negative integers`);
    const size = shape.reduce((n, d) => n * d, 1);
    if ("read" in tensor) return { name, dtype: tensor.dtype, shape, size, data: () => tensor.read() };
    const dtype = tensor.dtype ?? inferDType(tensor.data, where);
    checkData(where, dtype, shape, size, tensor.data);
    return { name, dtype, shape, size, data: tensor.data };
  });
  // Keys sorted so the same tensors always give the same bytes.
  return planned.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Checks data against its dtype and shape (a deferred tensor's when it is read). */
function checkData(where: string, dtype: SafetensorsDType, shape: readonly number[], size: number, data: HostArray): void {
  assertWritable(dtype, data, where);
  if (data.length !== size) {
    throw new ShapeError(`${where}: shape [${shape.join(", ")}] holds ${size} elements but data has ${data.length} (fix the shape or the data)`);
  }
  if (dtype === "BOOL" && (data as Uint8Array).some((v) => v > 1)) {
    throw new DTypeError(`${where}: BOOL data must be 0 or 1 (store other bytes as U8)`);
  }
}

/** Builds the 8-byte length prefix plus the space-padded JSON header (total a multiple of 8). */
function encodeHeader(path: string, planned: Planned[], metadata: Record<string, string> | undefined): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== "string") throw new FileFormatError(`writeSafetensors: ${path}: metadata "${key}" is a ${typeof value}; metadata values must be strings (JSON.stringify it)`);
    }
    if (Object.keys(metadata).length) header.__metadata__ = Object.fromEntries(Object.entries(metadata).sort(([a], [b]) => (a < b ? -1 : 1)));
  }
  let offset = 0;
  for (const tensor of planned) {
    const bytes = tensor.size * DTYPE_BYTES[tensor.dtype];
    header[tensor.name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded).fill(0x20);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  return out;
}

async function writeTensor(path: string, handle: FileHandle, tensor: Planned): Promise<void> {
  let data: HostArray;
  if (typeof tensor.data === "function") {
    data = await tensor.data();
    checkData(`writeSafetensors: ${path}: tensor "${tensor.name}"`, tensor.dtype, tensor.shape, tensor.size, data);
  } else data = tensor.data;
  const halfFromFloats = (tensor.dtype === "F16" || tensor.dtype === "BF16") && data instanceof Float32Array;
  if (!halfFromFloats) {
    await writeAll(handle, bytesOf(data));
    return;
  }
  const encode = tensor.dtype === "F16" ? encodeFloat16 : encodeBFloat16;
  const values = data as Float32Array;
  for (let start = 0; start < values.length; start += ENCODE_SLICE) {
    await writeAll(handle, bytesOf(encode(values.subarray(start, start + ENCODE_SLICE))));
  }
}

/**
 * Writes tensors to a safetensors file atomically (temp file, fsync, rename, fsync the folder), one
 * tensor at a time so no buffer of the whole file is ever built. Keys are sorted; the header is
 * padded with spaces to a multiple of 8 bytes so the data starts 8-byte aligned.
 *
 * @param path target file; replaced only once the new one is complete.
 * @param tensors name -> `{ dtype?, shape, data }`. `dtype` defaults from the array type; F16/BF16
 *   take a Float32Array (rounded to nearest even) or a Uint16Array of raw bits. Or name -> `{ dtype, shape,
 *   read }` ({@link DeferredTensor}): `read()` is awaited when the tensor's turn comes, so only one such
 *   tensor's data is held at a time.
 * @param metadata optional string -> string map stored as `__metadata__`.
 * @throws ShapeError (data length vs shape), DTypeError (array type vs dtype), FileFormatError (bad
 *   names or metadata); nothing is written when validation fails (a deferred tensor is checked once read,
 *   and then the partial file is removed). FileWriteError when the disk refuses
 *   (full, quota, read-only, permissions); no partial file is left under `path`.
 * @example
 * await writeSafetensors("out/w.safetensors", { w: { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) } });
 */
export async function writeSafetensors(path: string, tensors: TensorsToWrite, metadata?: Record<string, string>): Promise<void> {
  assertLittleEndian("writeSafetensors");
  const planned = plan(path, tensors);
  const header = encodeHeader(path, planned, metadata);
  await writeAtomically(path, async (handle) => {
    await writeAll(handle, header);
    for (const tensor of planned) await writeTensor(path, handle, tensor);
  });
}
