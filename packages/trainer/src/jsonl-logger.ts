import { open, truncate, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { makeFolder, toWriteError } from "@adaptive-sparse/io";
import type { TrainerEvent } from "./events.js";

/** An event handler that appends JSON lines; see {@link jsonlLogger}. */
export interface JsonlLogger {
  (event: TrainerEvent): Promise<void>;
  /** Writes buffered lines now. */
  flush(): Promise<void>;
}

/** Options of {@link jsonlLogger}. */
export interface JsonlLoggerOptions {
  /** Buffered lines that trigger a write (default 50). Checkpoint and done events always flush. */
  readonly bufferLines?: number;
}

/**
 * An event handler that appends one JSON object per event to `path` (created with its folder; an
 * existing file is appended to, so a resumed run continues its log). Lines are buffered and written
 * every `bufferLines` events, at each checkpoint (so the log on disk covers the checkpoint) and on `done`.
 * A write the disk refuses (full, read-only, ...) throws io's FileWriteError naming `path`, after cutting
 * the file back to its last complete line; that batch of lines is dropped (a resumed run logs them again).
 *
 * @example
 * const log = jsonlLogger("runs/ast/events.jsonl");
 * await train({ ..., onEvent: [consoleLogger(), log] });
 */
export function jsonlLogger(path: string, options: JsonlLoggerOptions = {}): JsonlLogger {
  const limit = options.bufferLines ?? 50;
  let buffer: string[] = [];
  // Appends run one after another: cutting a failed append back must not cut a later one.
  let writing: Promise<void> = Promise.resolve();
  const settled = () => writing.then(() => undefined, () => undefined);
  const flush = () => {
    if (buffer.length === 0) return settled(); // an earlier failure was already thrown to its caller
    const lines = buffer;
    buffer = [];
    writing = settled().then(() => appendLines(path, lines));
    return writing;
  };
  const logger = (async (event: TrainerEvent) => {
    buffer.push(`${JSON.stringify(event)}\n`);
    if (buffer.length >= limit || event.type === "checkpoint" || event.type === "done") await flush();
  }) as JsonlLogger;
  logger.flush = flush;
  return logger;
}

/**
 * Appends complete lines to `path` with one write (looping only over short writes). On failure the file
 * is truncated back to its length before the append, so it never ends in a torn line.
 */
async function appendLines(path: string, lines: readonly string[]): Promise<void> {
  const bytes = Buffer.from(lines.join(""), "utf8");
  let handle: FileHandle | undefined;
  let size = -1;
  try {
    await makeFolder(dirname(path)); // says EROFS/EACCES where Node's recursive mkdir says ENOENT
    handle = await open(path, "a");
    size = (await handle.stat()).size;
    for (let done = 0; done < bytes.length; ) done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten;
    const closing = handle;
    handle = undefined;
    await closing.close();
  } catch (error) {
    const dropped = `the ${lines.length} newest line${lines.length === 1 ? " was" : "s were"} not logged`;
    let left = `the log is unchanged and ${dropped}`;
    if (size >= 0) {
      try {
        await (handle ? handle.truncate(size) : truncate(path, size));
        left = `the log was cut back to its last complete line and ${dropped}`;
      } catch (cut) {
        left = `the log may end with a partial line (cutting it back failed: ${(cut as Error).message}) and ${dropped}; delete that partial line before reading the log`;
      }
    }
    await handle?.close().catch(() => undefined); // keep the write's error, not the cleanup's
    throw toWriteError(error, path, left);
  }
}
