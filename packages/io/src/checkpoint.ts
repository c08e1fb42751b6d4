import { mkdir, readFile, readdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { writeJsonAtomic } from "./atomic.js";
import { CHECKPOINT_FILES, makeMarker, readMarker, verifyMarker, type CheckpointMarker } from "./checkpoint-marker.js";
import { CheckpointError, FileMissingError } from "./errors.js";
import { fsyncDirectory, hasCode, makeFolder, siblingName } from "./file-io.js";
import { assertJsonSafe } from "./json-safe.js";
import { readSafetensors } from "./safetensors-read.js";
import { writeSafetensors, type TensorsToWrite } from "./safetensors-write.js";
import type { LoadedTensor } from "./safetensors-dtypes.js";
import { toWriteError } from "./write-failure.js";

/** What a checkpoint holds: tensors (written as safetensors) and a JSON-able state (step, config, RNG, ...). */
export interface CheckpointContent<State = unknown> {
  tensors: TensorsToWrite;
  state: State;
}

/** A loaded checkpoint. `recoveredFrom` is set when the folder was restored from an interrupted save. */
export interface LoadedCheckpoint<State = unknown> {
  tensors: Map<string, LoadedTensor>;
  state: State;
  savedAt: string;
  recoveredFrom?: string;
}

/**
 * The points of a save, in order. After `temp-complete` the new folder is whole but not in place;
 * between `old-moved-aside` and `new-in-place` the target name is briefly absent (load recovers it).
 */
export type CheckpointStep = "tensors-written" | "temp-complete" | "old-moved-aside" | "new-in-place";

export interface SaveCheckpointOptions {
  /** Called (and awaited) at each step; tests pause or throw here to simulate a crash. */
  onStep?: (step: CheckpointStep) => void | Promise<void>;
}

export interface LoadCheckpointOptions {
  /** Check each file's SHA-256 against the marker before reading it. Default true. */
  verify?: boolean;
}

const OWN_FILES: ReadonlySet<string> = new Set(Object.values(CHECKPOINT_FILES));

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (error) {
    if (hasCode(error, "ENOENT")) return false;
    throw error;
  }
}

/** Sibling folders left by earlier saves: `<base>.tmp-<pid>-<hex>` and `<base>.old-<pid>-<hex>`. */
async function leftovers(target: string, kind: "tmp" | "old"): Promise<string[]> {
  const pattern = new RegExp(`^${basename(target).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.${kind}-\\d+-[0-9a-f]{12}$`);
  const names = await readdir(dirname(target)).catch(() => [] as string[]);
  return names.filter((name) => pattern.test(name)).map((name) => join(dirname(target), name));
}

/** Refuses to replace a folder that is not a checkpoint, so a typo cannot delete someone's files. */
async function assertReplaceable(target: string): Promise<void> {
  const foreign = (await readdir(target)).filter((name) => !OWN_FILES.has(name));
  if (foreign.length) {
    throw new CheckpointError(
      `saveCheckpoint: ${target} exists and holds files that are not part of a checkpoint (${foreign.slice(0, 5).join(", ")}); ` +
        `pick another folder or move those files`,
    );
  }
}

/**
 * Saves a checkpoint folder atomically as a unit: everything is written into `<dir>.tmp-…/`
 * (`tensors.safetensors`, `state.json`, then a `COMPLETE` marker with each file's SHA-256), fsynced,
 * and renamed into place; an existing checkpoint is first renamed to `<dir>.old-…` and removed only
 * after the new one is in place. A crash at any point leaves a loadable checkpoint (old or new).
 * One writer per folder: leftovers of earlier interrupted saves are removed after a successful one.
 *
 * @param dir the checkpoint folder (created; its parent too).
 * @param content `tensors` (name -> `{ dtype?, shape, data }`) and a JSON-able `state`.
 * @throws ConfigError/NonFiniteError when `state` holds something JSON cannot keep; CheckpointError when
 *   `dir` exists but is not a checkpoint; FileWriteError naming `dir` when the file system refuses (disk
 *   full, quota, read-only, permissions), after removing the temp folder and putting the old checkpoint back.
 * @example
 * await saveCheckpoint("runs/a/ckpt", { tensors: { w: { shape: [2], data: new Float32Array([1, 2]) } }, state: { step: 10 } });
 */
export async function saveCheckpoint<State>(dir: string, content: CheckpointContent<State>, options: SaveCheckpointOptions = {}): Promise<void> {
  const target = resolve(dir);
  const parent = dirname(target);
  assertJsonSafe(content.state, `saveCheckpoint: ${join(target, CHECKPOINT_FILES.state)}`);
  await makeFolder(parent).catch((error: unknown) => {
    throw toWriteError(error, target, "nothing was written", "checkpoint");
  });
  const exists = await isDirectory(target);
  if (exists) await assertReplaceable(target);
  const step = async (name: CheckpointStep) => options.onStep?.(name);
  const temp = siblingName(target, "tmp");
  let old: string | undefined;
  let committed = false;
  try {
    await mkdir(temp);
    await writeSafetensors(join(temp, CHECKPOINT_FILES.tensors), content.tensors);
    await step("tensors-written");
    await writeJsonAtomic(join(temp, CHECKPOINT_FILES.state), content.state);
    await writeJsonAtomic(join(temp, CHECKPOINT_FILES.marker), await makeMarker(temp)); // last: marks the folder whole
    await fsyncDirectory(temp);
    await step("temp-complete");
    if (exists) {
      old = siblingName(target, "old");
      await rename(target, old);
      await fsyncDirectory(parent);
      await step("old-moved-aside");
    }
    await rename(temp, target);
    await fsyncDirectory(parent);
    committed = true;
    await step("new-in-place");
  } catch (error) {
    if (!committed) {
      // Cleanup failures (the disk that refused the write may refuse these too) must not hide the cause.
      await rm(temp, { recursive: true, force: true }).catch(() => undefined);
      if (old && !(await isDirectory(target))) {
        await rename(old, target).catch(() => undefined); // put the previous checkpoint back
        await fsyncDirectory(parent).catch(() => undefined);
      }
    }
    const left = committed ? "the new checkpoint is in place but may not be on disk yet" : "the partial checkpoint was removed and the previous one, if any, is unchanged";
    throw toWriteError(error, target, left, "checkpoint");
  }
  for (const stale of [...(await leftovers(target, "old")), ...(await leftovers(target, "tmp"))]) {
    await rm(stale, { recursive: true, force: true });
  }
}

/** When `target` is missing after a crash mid-swap, renames the newest whole `<dir>.old-…` back. */
async function recover(target: string, verify: boolean): Promise<string | undefined> {
  let best: { path: string; marker: CheckpointMarker } | undefined;
  for (const path of await leftovers(target, "old")) {
    try {
      const marker = await readMarker(path);
      if (verify) await verifyMarker(path, marker);
      if (!best || marker.savedAt > best.marker.savedAt) best = { path, marker };
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error; // a damaged leftover is skipped, not fatal
    }
  }
  if (!best) return undefined;
  await rename(best.path, target);
  await fsyncDirectory(dirname(target));
  return best.path;
}

/**
 * Loads a checkpoint written by {@link saveCheckpoint}, checking the `COMPLETE` marker and (by
 * default) every file's SHA-256. If `dir` is missing because a save was interrupted while swapping
 * folders, the previous checkpoint (`<dir>.old-…`) is renamed back and loaded.
 *
 * @returns the tensors (as `readSafetensors` returns them), the state, and when it was saved.
 * @throws FileMissingError when there is no checkpoint; CheckpointError for a half-written folder (no
 *   marker) or files that do not match their hashes.
 * @example
 * const { tensors, state } = await loadCheckpoint<{ step: number }>("runs/a/ckpt");
 */
export async function loadCheckpoint<State = unknown>(dir: string, options: LoadCheckpointOptions = {}): Promise<LoadedCheckpoint<State>> {
  const target = resolve(dir);
  const verify = options.verify ?? true;
  let recoveredFrom: string | undefined;
  if (!(await isDirectory(target))) {
    recoveredFrom = await recover(target, verify);
    if (!recoveredFrom) {
      const temps = await leftovers(target, "tmp");
      const note = temps.length ? ` (${temps.length} interrupted save folder(s) ${basename(target)}.tmp-… exist but are incomplete)` : "";
      throw new FileMissingError(`checkpoint: no checkpoint folder at ${target}${note}; check the path or save one first`);
    }
  }
  const marker = await readMarker(target);
  if (verify) await verifyMarker(target, marker);
  const tensors = await readSafetensors(join(target, CHECKPOINT_FILES.tensors));
  const statePath = join(target, CHECKPOINT_FILES.state);
  let state: State;
  try {
    state = JSON.parse(await readFile(statePath, "utf8")) as State;
  } catch (error) {
    if (hasCode(error, "ENOENT")) throw new CheckpointError(`checkpoint: ${statePath} is missing; the checkpoint is corrupted (load an earlier one)`);
    throw new CheckpointError(`checkpoint: ${statePath} is not valid JSON (${(error as Error).message}); the checkpoint is corrupted (load an earlier one)`);
  }
  return { tensors, state, savedAt: marker.savedAt, ...(recoveredFrom ? { recoveredFrom } : {}) };
}
