import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { FileFormatError, FileMissingError, StateDictError } from "./errors.js";
import { hasCode, openForRead } from "./file-io.js";
import { readHeaderFrom, type SafetensorsEntry, type SafetensorsHeader } from "./safetensors-header.js";

/** The weights index Hugging Face writes beside sharded checkpoints. */
export const SHARD_INDEX = "model.safetensors.index.json";

/** One file of a checkpoint with the tensors to read from it (a subset of its header for sharded ones). */
export interface CheckpointFile {
  readonly path: string;
  readonly header: SafetensorsHeader;
  /** name -> entry, in file order. */
  readonly tensors: Map<string, SafetensorsEntry>;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    (error: unknown) => (hasCode(error, "ENOENT", "ENOTDIR") ? false : Promise.reject(error)),
  );

async function header(path: string): Promise<SafetensorsHeader> {
  const handle = await openForRead(path, "safetensors");
  try {
    return await readHeaderFrom(handle, path);
  } finally {
    await handle.close();
  }
}

async function readIndex(path: string, where: string): Promise<Map<string, string>> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new FileFormatError(`${where}: ${path} is not valid JSON (${(error as Error).message}); fix or re-download it`);
  }
  const weightMap = (json as { weight_map?: unknown } | null)?.weight_map;
  if (typeof weightMap !== "object" || weightMap === null || Object.values(weightMap).some((file) => typeof file !== "string" || file.includes("/") || file.includes("\\"))) {
    throw new FileFormatError(`${where}: ${path} has no "weight_map" of tensor name -> shard file name in the same folder; re-download it`);
  }
  return new Map(Object.entries(weightMap as Record<string, string>));
}

/**
 * The safetensors files of a Hugging Face model folder and what to read from each: `model.safetensors`, or
 * the shards `model.safetensors.index.json` names (each shard's header is read and checked, no data).
 * @throws FileMissingError naming the folder when it has neither, and naming a shard the index lists that
 *   is not there; StateDictError naming a tensor the index places in a shard that lacks it
 */
export async function checkpointFiles(folder: string, where: string): Promise<CheckpointFile[]> {
  const indexPath = join(folder, SHARD_INDEX);
  if (!(await exists(indexPath))) {
    const path = join(folder, "model.safetensors");
    if (!(await exists(path))) {
      throw new FileMissingError(`${where}: no model.safetensors or ${SHARD_INDEX} in ${folder} (pytorch_model.bin is not read: save the model with safetensors, e.g. save_pretrained(..., safe_serialization=True))`);
    }
    const parsed = await header(path);
    return [{ path, header: parsed, tensors: parsed.tensors }];
  }
  const byFile = new Map<string, string[]>();
  for (const [name, file] of await readIndex(indexPath, where)) byFile.set(file, [...(byFile.get(file) ?? []), name]);
  const files: CheckpointFile[] = [];
  for (const [file, names] of byFile) {
    const path = join(folder, file);
    if (!(await exists(path))) {
      throw new FileMissingError(`${where}: shard "${file}" named in ${SHARD_INDEX} is missing from ${folder} (${names.length} tensors, e.g. "${names[0]}", live there); download it again`);
    }
    const parsed = await header(path);
    const absent = names.filter((name) => !parsed.tensors.has(name));
    if (absent.length) throw new StateDictError(`${where}: ${SHARD_INDEX} places "${absent[0]}"${absent.length > 1 ? ` (and ${absent.length - 1} more)` : ""} in ${file}, which does not hold it; the shards and the index do not match, download them again`);
    const wanted = new Set(names);
    files.push({ path, header: parsed, tensors: new Map([...parsed.tensors].filter(([name]) => wanted.has(name))) });
  }
  return files;
}
