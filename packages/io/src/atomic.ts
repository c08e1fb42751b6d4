import { open, rename, rm, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { assertJsonSafe } from "./json-safe.js";
import { bytesOf, fsyncDirectory, makeFolder, siblingName, writeAll } from "./file-io.js";
import { toWriteError } from "./write-failure.js";

/**
 * Writes a file atomically: `write` fills a temp file next to `path`, which is fsynced and renamed
 * over `path`, and then the folder is fsynced. Readers see the old file or the new one, never a mix;
 * on any error the temp file is removed and `path` is untouched.
 *
 * @param path target file; its folder is created if missing.
 * @param write fills the open temp file (write at the handle's position, in order).
 * @throws FileWriteError naming `path` when the file system refuses (disk full, quota, read-only,
 *   permissions); whatever else `write` throws, unchanged. Always after cleaning up.
 * @example
 * await writeAtomically("out/log.txt", (handle) => handle.writeFile("hello\n"));
 */
export async function writeAtomically(path: string, write: (handle: FileHandle) => Promise<void>): Promise<void> {
  const folder = dirname(path);
  const temp = siblingName(path, "tmp");
  let handle: FileHandle | undefined;
  let renamed = false;
  try {
    await makeFolder(folder);
    handle = await open(temp, "wx");
    await write(handle);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
    renamed = true;
    await fsyncDirectory(folder);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined); // keep the write's error, not the cleanup's
    const left = renamed ? "the new file is complete but its folder entry may not be on disk yet" : "no partial file was left under that name (an earlier version, if any, is unchanged)";
    throw toWriteError(error, path, left);
  }
}

/**
 * Writes bytes or text to `path` atomically (see {@link writeAtomically}).
 *
 * @param data a string (written as UTF-8) or any typed array / Buffer.
 * @example
 * await writeFileAtomic("out/notes.txt", "done\n");
 */
export async function writeFileAtomic(path: string, data: string | ArrayBufferView): Promise<void> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : bytesOf(data);
  await writeAtomically(path, (handle) => writeAll(handle, bytes));
}

/**
 * Writes `value` as pretty JSON (2-space indent, trailing newline) to `path` atomically.
 *
 * @throws NonFiniteError / TypeError when `value` holds something JSON would silently change
 *   (NaN, Infinity, undefined, functions, Map, typed arrays), naming the path inside `value`.
 * @example
 * await writeJsonAtomic("out/config.json", { steps: 10 });
 */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  assertJsonSafe(value, path);
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
