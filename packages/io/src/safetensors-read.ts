import type { FileHandle } from "node:fs/promises";
import { StateDictError } from "./errors.js";
import { assertLittleEndian, openForRead, readExactly } from "./file-io.js";
import { decodeBFloat16, decodeFloat16 } from "./half.js";
import { readHeaderFrom, type SafetensorsEntry, type SafetensorsHeader } from "./safetensors-header.js";
import type { HostArray, LoadedTensor } from "./safetensors-dtypes.js";

/** Options for {@link readSafetensors} and {@link iterateSafetensors}. */
export interface ReadSafetensorsOptions {
  /** Read only these tensors (an unknown name is an error listing the file's names). Default: all. */
  names?: readonly string[];
  /** Convert every tensor to Float32Array (I64 via Number, BOOL as 0/1). Default false. */
  toFloat32?: boolean;
}

/** A tensor yielded by {@link iterateSafetensors}. */
export interface NamedTensor extends LoadedTensor {
  name: string;
}

/** Views the bytes of one tensor as the typed array its dtype maps to (F16/BF16 decoded to f32). */
function decode(entry: SafetensorsEntry, buffer: ArrayBuffer): HostArray {
  switch (entry.dtype) {
    case "F64":
      return new Float64Array(buffer);
    case "F32":
      return new Float32Array(buffer);
    case "F16":
      return decodeFloat16(new Uint16Array(buffer));
    case "BF16":
      return decodeBFloat16(new Uint16Array(buffer));
    case "I64":
      return new BigInt64Array(buffer);
    case "I32":
      return new Int32Array(buffer);
    case "I16":
      return new Int16Array(buffer);
    case "I8":
      return new Int8Array(buffer);
    case "U8":
    case "BOOL":
      return new Uint8Array(buffer);
  }
}

function toFloat32(data: HostArray): Float32Array {
  if (data instanceof Float32Array) return data;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Number(data[i]!);
  return out;
}

/** Reads one tensor with its own positioned read into its own buffer (never a whole-file buffer). */
async function readEntry(handle: FileHandle, path: string, header: SafetensorsHeader, entry: SafetensorsEntry, floats: boolean): Promise<LoadedTensor> {
  const [begin, end] = entry.dataOffsets;
  const buffer = new ArrayBuffer(end - begin); // fresh and 8-byte aligned, so any typed array fits
  await readExactly(handle, new Uint8Array(buffer), header.dataStart + begin, path);
  const data = decode(entry, buffer);
  return { dtype: entry.dtype, shape: [...entry.shape], data: floats ? toFloat32(data) : data };
}

function selectEntries(path: string, header: SafetensorsHeader, names: readonly string[] | undefined): [string, SafetensorsEntry][] {
  if (!names) return [...header.tensors];
  const missing = names.filter((name) => !header.tensors.has(name));
  if (missing.length) {
    const known = [...header.tensors.keys()];
    const shown = known.slice(0, 20).join(", ") + (known.length > 20 ? `, ... (${known.length} in all)` : "");
    throw new StateDictError(`safetensors: ${path}: no tensor named ${missing.map((n) => `"${n}"`).join(", ")} (the file has: ${shown || "no tensors"})`);
  }
  const wanted = new Set(names);
  return [...header.tensors].filter(([name]) => wanted.has(name)); // keep file order for sequential reads
}

/**
 * Reads tensors one at a time, each with its own positioned read, so peak memory stays near one
 * tensor plus what the caller keeps. The file closes when the loop ends, even on `break`.
 *
 * @param path a `.safetensors` file.
 * @returns an async iterator of `{ name, dtype, shape, data }` in file order.
 * @throws the errors of {@link readSafetensorsHeader}; StateDictError for an unknown name in `names`.
 * @example
 * for await (const { name, shape } of iterateSafetensors("model.safetensors")) console.log(name, shape);
 */
export async function* iterateSafetensors(path: string, options: ReadSafetensorsOptions = {}): AsyncGenerator<NamedTensor, void, undefined> {
  assertLittleEndian("safetensors");
  const handle = await openForRead(path, "safetensors");
  try {
    const header = await readHeaderFrom(handle, path);
    for (const [name, entry] of selectEntries(path, header, options.names)) {
      const tensor = await readEntry(handle, path, header, entry, options.toFloat32 ?? false);
      yield { name, ...tensor };
    }
  } finally {
    await handle.close();
  }
}

/**
 * Reads a safetensors file into a map of tensors. Each tensor is read into its own buffer, so a
 * 500 MB file needs about 500 MB (F16/BF16 tensors become Float32Array, twice their stored size).
 *
 * @param path a `.safetensors` file.
 * @param options `names` to read a subset, `toFloat32` to convert everything to Float32Array.
 * @returns name -> `{ dtype, shape, data }`: F64 Float64Array, F32/F16/BF16 Float32Array,
 *   I64 BigInt64Array, I32 Int32Array, I16 Int16Array, I8 Int8Array, U8/BOOL Uint8Array.
 * @throws FileMissingError, FileFormatError (see {@link readSafetensorsHeader}), StateDictError.
 * @example
 * const tensors = await readSafetensors("model.safetensors", { names: ["wte.weight"] });
 * const { shape, data } = tensors.get("wte.weight")!;
 */
export async function readSafetensors(path: string, options: ReadSafetensorsOptions = {}): Promise<Map<string, LoadedTensor>> {
  const out = new Map<string, LoadedTensor>();
  for await (const { name, ...tensor } of iterateSafetensors(path, options)) out.set(name, tensor);
  return out;
}
