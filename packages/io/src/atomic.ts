import { mkdir, open, rename, rm, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { assertJsonSafe } from "./json-safe.js";
import { bytesOf, fsyncDirectory, siblingName, writeAll } from "./file-io.js";

/**
 * Writes a file atomically: `write` fills a temp file next to `path`, which is fsynced and renamed
 * over `path`, and then the folder is fsynced. Readers see the old file or the new one, never a mix;
 * on any error the temp file is removed and `path` is untouched.
 *
 * @param path target file; its folder is created if missing.
 * @param write fills the open temp file (write at the handle's position, in order).
 * @throws whatever `write` or the file system throws, after cleaning up.
 * @example
 * await writeAtomically("out/log.txt", (handle) => handle.writeFile("hello\n"));
 */
export async function writeAtomically(path: string, write: (handle: FileHandle) => Promise<void>): Promise<void> {
  const folder = dirname(path);
  await mkdir(folder, { recursive: true });
  const temp = siblingName(path, "tmp");
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, "wx");
    await write(handle);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
    await fsyncDirectory(folder);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
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
