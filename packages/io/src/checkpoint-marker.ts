import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { CheckpointError } from "./errors.js";
import { hasCode } from "./file-io.js";

/** File names inside a checkpoint folder. */
export const CHECKPOINT_FILES = { tensors: "tensors.safetensors", state: "state.json", marker: "COMPLETE" } as const;

export const CHECKPOINT_FORMAT = "adaptive-sparse-checkpoint";
export const CHECKPOINT_VERSION = 1;

/** Size and SHA-256 of one file. */
export interface FileDigest {
  bytes: number;
  sha256: string;
}

/** The content of the `COMPLETE` marker, written last: its presence means the folder is whole. */
export interface CheckpointMarker {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  savedAt: string;
  files: Record<string, FileDigest>;
}

/** Streams a file through SHA-256 (never holding it whole in memory). */
export async function digestFile(path: string): Promise<FileDigest> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { bytes: (await stat(path)).size, sha256: hash.digest("hex") };
}

/** Builds the marker for a folder whose data files are already written. */
export async function makeMarker(folder: string): Promise<CheckpointMarker> {
  const files: Record<string, FileDigest> = {};
  for (const name of [CHECKPOINT_FILES.tensors, CHECKPOINT_FILES.state]) files[name] = await digestFile(join(folder, name));
  return { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, savedAt: new Date().toISOString(), files };
}

/** Reads and checks the marker's own structure (not the files). */
export async function readMarker(folder: string): Promise<CheckpointMarker> {
  const path = join(folder, CHECKPOINT_FILES.marker);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (!hasCode(error, "ENOENT")) throw error;
    throw new CheckpointError(
      `checkpoint: ${folder} has no ${CHECKPOINT_FILES.marker} marker, so it is half-written (a save was interrupted); ` +
        `load an earlier checkpoint or save again`,
    );
  }
  let marker: CheckpointMarker;
  try {
    marker = JSON.parse(text) as CheckpointMarker;
  } catch {
    throw new CheckpointError(`checkpoint: ${path} is not valid JSON; the checkpoint is corrupted (load an earlier one or save again)`);
  }
  if (marker?.format !== CHECKPOINT_FORMAT || typeof marker.files !== "object" || marker.files === null) {
    throw new CheckpointError(`checkpoint: ${path} is not an ${CHECKPOINT_FORMAT} marker; is ${folder} a checkpoint written by saveCheckpoint?`);
  }
  if (marker.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(`checkpoint: ${folder} has format version ${marker.version}; this version of @adaptive-sparse/io reads version ${CHECKPOINT_VERSION}`);
  }
  return marker;
}

/** Checks every file the marker lists against its recorded size and hash. */
export async function verifyMarker(folder: string, marker: CheckpointMarker): Promise<void> {
  for (const [name, expected] of Object.entries(marker.files)) {
    const path = join(folder, name);
    let actual: FileDigest;
    try {
      actual = await digestFile(path);
    } catch (error) {
      if (!hasCode(error, "ENOENT")) throw error;
      throw new CheckpointError(`checkpoint: ${path} is missing although ${CHECKPOINT_FILES.marker} lists it; the checkpoint is corrupted (load an earlier one)`);
    }
    if (actual.bytes !== expected.bytes || actual.sha256 !== expected.sha256) {
      throw new CheckpointError(
        `checkpoint: ${path} does not match its hash in ${CHECKPOINT_FILES.marker} ` +
          `(${actual.bytes} bytes, sha256 ${actual.sha256.slice(0, 12)}…; expected ${expected.bytes} bytes, ${expected.sha256.slice(0, 12)}…); ` +
          `the file was changed or damaged after saving (load an earlier checkpoint)`,
      );
    }
  }
}
