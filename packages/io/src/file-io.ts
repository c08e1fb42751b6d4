import { randomBytes } from "node:crypto";
import { mkdir, open, stat, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { FileFormatError, FileMissingError } from "./errors.js";

// Node's fs calls take at most 2 GiB per read/write; stay well below that.
const MAX_CHUNK = 1 << 30;

/** True when `error` is a Node system error with the given code (ENOENT, EEXIST, ...). */
export function hasCode(error: unknown, ...codes: string[]): boolean {
  return typeof error === "object" && error !== null && codes.includes((error as { code?: unknown }).code as string);
}

/**
 * Opens `path` for reading; a missing file becomes a FileMissingError that says what the file is.
 * @param what e.g. `safetensors` or `checkpoint`; starts the error message.
 */
export async function openForRead(path: string, what: string): Promise<FileHandle> {
  try {
    return await open(path, "r");
  } catch (error) {
    if (hasCode(error, "ENOENT")) throw new FileMissingError(`${what}: no file at ${path} (check the path, or write the file first)`);
    if (hasCode(error, "EISDIR")) throw new FileMissingError(`${what}: ${path} is a folder, not a file (pass the file inside it)`);
    throw error;
  }
}

/** Reads exactly `target.length` bytes at `position`, looping over short reads. */
export async function readExactly(handle: FileHandle, target: Uint8Array, position: number, path: string): Promise<void> {
  let done = 0;
  while (done < target.length) {
    const length = Math.min(target.length - done, MAX_CHUNK);
    const { bytesRead } = await handle.read(target, done, length, position + done);
    if (bytesRead === 0) {
      throw new FileFormatError(`${path}: file ended after ${position + done} bytes while reading ${target.length} bytes at ${position} (was it truncated or changed while reading?)`);
    }
    done += bytesRead;
  }
}

/** Writes all of `bytes` at the handle's current position, looping over short writes. */
export async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, Math.min(bytes.length - done, MAX_CHUNK));
    done += bytesWritten;
  }
}

/** The bytes of any typed array, without copying (little-endian on every supported host). */
export function bytesOf(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Flushes a directory's entries (a rename inside it) to disk. Some platforms (Windows) cannot open
 * a directory for fsync; there the rename is as durable as the OS makes it, so that case is ignored.
 */
export async function fsyncDirectory(path: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, "r");
    await handle.sync();
  } catch (error) {
    if (!hasCode(error, "EISDIR", "EPERM", "EINVAL", "EACCES", "EBADF")) throw error;
  } finally {
    await handle?.close();
  }
}

/** A unique sibling name, e.g. `model.safetensors.tmp-4242-9f3a1c2b7d10`. */
export function siblingName(path: string, kind: "tmp" | "old"): string {
  return `${path}.${kind}-${process.pid}-${randomBytes(6).toString("hex")}`;
}

/** Throws on big-endian hosts: safetensors data is little-endian and typed arrays use host order. */
export function assertLittleEndian(where: string): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new FileFormatError(`${where}: big-endian hosts are not supported (safetensors data is little-endian)`);
  }
}

/**
 * Creates `path` and its missing parents. Node's recursive mkdir reports ENOENT when the disk refuses
 * (read-only, permissions), so on ENOENT a plain mkdir of the first missing folder is tried to get the
 * real reason (EROFS, EACCES, ...).
 */
export async function makeFolder(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
  } catch (error) {
    if (!hasCode(error, "ENOENT")) throw error;
    let missing = path;
    while (dirname(missing) !== missing && !(await stat(dirname(missing)).then(() => true, () => false))) missing = dirname(missing);
    await mkdir(missing); // throws the real reason
    await mkdir(path, { recursive: true }); // it worked this time (a race): finish the job
  }
}
