/**
 * File-system reads that turn Node's terse ENOENT/EISDIR errors into messages naming the path and
 * the option that supplied it.
 */
import { readFile, readdir, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { DataFileError } from "../errors.js";

function explain(where: string, path: string, error: unknown): DataFileError {
  const code = (error as { code?: string }).code;
  const absolute = resolve(path);
  if (code === "ENOENT") {
    return new DataFileError(
      `${where}: no such file or folder "${absolute}"; check the path option (it is resolved against the working directory ${process.cwd()})`,
    );
  }
  if (code === "EISDIR") {
    return new DataFileError(`${where}: "${absolute}" is a folder, expected a file; for a folder of .txt files use the "text-folder" dataset`);
  }
  if (code === "ENOTDIR") {
    return new DataFileError(`${where}: "${absolute}" is not a folder; for a single file use the "text-file" dataset`);
  }
  return new DataFileError(`${where}: cannot read "${absolute}": ${(error as Error).message}`);
}

/** Reads a whole file as bytes. @throws DataFileError naming the path when it is missing or unreadable. */
export async function readBytes(where: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw explain(where, path, error);
  }
}

/** Reads a whole file as UTF-8 text (a leading byte-order mark is dropped). @throws DataFileError */
export async function readText(where: string, path: string): Promise<string> {
  const text = (await readBytes(where, path)).toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Lists a folder's entry names. @throws DataFileError when it is missing or not a folder. */
export async function listFolder(where: string, path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch (error) {
    throw explain(where, path, error);
  }
}

/** Checks that a file exists before streaming it. @throws DataFileError */
export async function assertFile(where: string, path: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(path)).isFile();
  } catch (error) {
    throw explain(where, path, error);
  }
  if (!isFile) throw explain(where, path, Object.assign(new Error("is a folder"), { code: "EISDIR" }));
}
