/** Crash-safe file writes for token caches. */
import { randomBytes } from "node:crypto";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Writes a file so a reader never sees it half-written: write a temporary file beside the target,
 * fsync it, rename it over the target (atomic on POSIX file systems), then fsync the folder so the
 * rename itself survives a crash.
 *
 * @example
 * await writeFileAtomic("cache/sotu.json", JSON.stringify(meta));
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const handle = await open(temporary, "w");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await handle.close();
  await rename(temporary, path);
  // Some file systems refuse to fsync a folder; the rename has happened either way.
  const folder = await open(dirname(path), "r").catch(() => undefined);
  await folder?.sync().catch(() => undefined);
  await folder?.close();
}
