import type { FileHandle } from "node:fs/promises";
import { FileFormatError } from "./errors.js";
import { openForRead, readExactly } from "./file-io.js";
import { DTYPE_BYTES, SAFETENSORS_DTYPES, isSafetensorsDType, type SafetensorsDType } from "./safetensors-dtypes.js";

/** Where one tensor lives in a safetensors file. `dataOffsets` are relative to the data buffer. */
export interface SafetensorsEntry {
  dtype: SafetensorsDType;
  shape: number[];
  dataOffsets: [number, number];
}

/** A parsed and validated safetensors header. */
export interface SafetensorsHeader {
  /** Tensors in the order their bytes appear in the file. */
  tensors: Map<string, SafetensorsEntry>;
  /** The `__metadata__` map (empty when absent). */
  metadata: Record<string, string>;
  /** Absolute file offset of the data buffer (8 + header length). */
  dataStart: number;
  /** Total file size in bytes. */
  fileSize: number;
}

// The reference implementation refuses headers over 100 MB; a bigger length means a corrupt prefix.
const MAX_HEADER_BYTES = 100_000_000;

const fail = (path: string, problem: string, fix: string): never => {
  throw new FileFormatError(`safetensors: ${path}: ${problem} (${fix})`);
};

const REEXPORT = "the file is damaged or was not written as safetensors; re-export it";

function parseEntry(path: string, name: string, raw: unknown): SafetensorsEntry {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) fail(path, `header entry "${name}" is not an object`, REEXPORT);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (!isSafetensorsDType(dtype)) {
    fail(path, `tensor "${name}" has unknown dtype ${JSON.stringify(dtype)}`, `valid dtypes: ${SAFETENSORS_DTYPES.join(", ")}; convert the tensor to one of them before saving`);
  }
  const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
  if (!Array.isArray(shape) || !shape.every(isCount)) fail(path, `tensor "${name}" has shape ${JSON.stringify(shape)}, expected an array of non-negative integers`, REEXPORT);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    fail(path, `tensor "${name}" has data_offsets ${JSON.stringify(offsets)}, expected [begin, end] with 0 <= begin <= end`, REEXPORT);
  }
  const [begin, end] = offsets as [number, number];
  const entry: SafetensorsEntry = { dtype: dtype as SafetensorsDType, shape: shape as number[], dataOffsets: [begin, end] };
  const expected = entry.shape.reduce((n, d) => n * d, 1) * DTYPE_BYTES[entry.dtype];
  const actual = entry.dataOffsets[1] - entry.dataOffsets[0];
  if (actual !== expected) {
    fail(path, `tensor "${name}" (${entry.dtype}, shape [${entry.shape.join(", ")}]) needs ${expected} bytes but its data_offsets span ${actual}`, REEXPORT);
  }
  return entry;
}

function parseMetadata(path: string, raw: unknown): Record<string, string> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) fail(path, `__metadata__ is not an object of strings`, REEXPORT);
  for (const [key, value] of Object.entries(raw as object)) {
    if (typeof value !== "string") fail(path, `__metadata__ key "${key}" holds a ${typeof value}, but metadata values must be strings`, REEXPORT);
  }
  return { ...(raw as Record<string, string>) };
}

const FIRST = "the start of the data buffer";

/** Checks that the tensors tile the data buffer exactly: no gaps, no overlaps, nothing past the end. */
function checkLayout(path: string, tensors: [string, SafetensorsEntry][], bufferSize: number): void {
  for (const [name, { dataOffsets }] of tensors) {
    if (dataOffsets[1] > bufferSize) {
      fail(path, `tensor "${name}" has data_offsets [${dataOffsets.join(", ")}] past the end of the data buffer (${bufferSize} bytes)`, "the file is probably truncated; copy or download it again");
    }
  }
  let expectedBegin = 0;
  let previous = FIRST;
  for (const [name, { dataOffsets }] of tensors) {
    const [begin, end] = dataOffsets;
    if (begin < expectedBegin) fail(path, `tensor "${name}" (bytes ${begin}-${end}) overlaps ${previous} (which ends at ${expectedBegin})`, REEXPORT);
    if (begin > expectedBegin) {
      const before = expectedBegin === 0 && previous === FIRST ? "the data buffer starts at 0" : `${previous} ends at ${expectedBegin}`;
      fail(path, `tensor "${name}" starts at byte ${begin} but ${before}: offsets must be contiguous`, REEXPORT);
    }
    expectedBegin = end;
    previous = `tensor "${name}"`;
  }
  if (expectedBegin !== bufferSize) {
    fail(path, `the data buffer is ${bufferSize} bytes but the tensors cover only ${expectedBegin}`, "the file has trailing bytes or a damaged header; re-export it");
  }
}

/** Reads and validates the header through an open handle. Reads only the prefix and header bytes. */
export async function readHeaderFrom(handle: FileHandle, path: string): Promise<SafetensorsHeader> {
  const fileSize = (await handle.stat()).size;
  if (fileSize < 8) fail(path, `file is ${fileSize} bytes, shorter than the 8-byte header length`, "it is truncated or not a safetensors file; re-export it");
  const prefix = new Uint8Array(8);
  await readExactly(handle, prefix, 0, path);
  const headerLength = new DataView(prefix.buffer).getBigUint64(0, true);
  if (headerLength > BigInt(fileSize - 8)) {
    fail(path, `header length ${headerLength} runs past the end of the file (${fileSize} bytes)`, "the file is truncated or not a safetensors file; copy or re-export it");
  }
  if (headerLength > BigInt(MAX_HEADER_BYTES)) fail(path, `header length ${headerLength} is over the ${MAX_HEADER_BYTES}-byte limit`, REEXPORT);
  const headerBytes = new Uint8Array(Number(headerLength));
  await readExactly(handle, headerBytes, 8, path);
  let text = "";
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(headerBytes);
  } catch {
    fail(path, "header is not valid UTF-8", REEXPORT);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    fail(path, `header is not valid JSON (${(error as Error).message})`, REEXPORT);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) fail(path, "header JSON is not an object of tensors", REEXPORT);
  let metadata: Record<string, string> = {};
  const entries: [string, SafetensorsEntry][] = [];
  for (const [name, raw] of Object.entries(json as object)) {
    if (name === "__metadata__") metadata = parseMetadata(path, raw);
    else entries.push([name, parseEntry(path, name, raw)]);
  }
  entries.sort((a, b) => a[1].dataOffsets[0] - b[1].dataOffsets[0] || a[1].dataOffsets[1] - b[1].dataOffsets[1]);
  const dataStart = 8 + Number(headerLength);
  checkLayout(path, entries, fileSize - dataStart);
  return { tensors: new Map(entries), metadata, dataStart, fileSize };
}

/**
 * Reads and validates only the header of a safetensors file (no tensor data is read).
 *
 * @param path a `.safetensors` file.
 * @returns tensor names, dtypes, shapes and offsets (in file order), plus `__metadata__`.
 * @throws FileMissingError when there is no file; FileFormatError naming the file and the problem
 *   (truncated, header length past the end, bad UTF-8 or JSON, unknown dtype, bad offsets).
 * @example
 * const { tensors, metadata } = await readSafetensorsHeader("model.safetensors");
 * console.log([...tensors.keys()], metadata);
 */
export async function readSafetensorsHeader(path: string): Promise<SafetensorsHeader> {
  const handle = await openForRead(path, "safetensors");
  try {
    return await readHeaderFrom(handle, path);
  } finally {
    await handle.close();
  }
}
