import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
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
 *
 * @example
 * const log = jsonlLogger("runs/ast/events.jsonl");
 * await train({ ..., onEvent: [consoleLogger(), log] });
 */
export function jsonlLogger(path: string, options: JsonlLoggerOptions = {}): JsonlLogger {
  const limit = options.bufferLines ?? 50;
  let buffer: string[] = [];
  let ready: Promise<unknown> | null = null;
  const flush = async () => {
    if (buffer.length === 0) return;
    const lines = buffer.join("");
    buffer = [];
    ready ??= mkdir(dirname(path), { recursive: true });
    await ready;
    await appendFile(path, lines, "utf8");
  };
  const logger = (async (event: TrainerEvent) => {
    buffer.push(`${JSON.stringify(event)}\n`);
    if (buffer.length >= limit || event.type === "checkpoint" || event.type === "done") await flush();
  }) as JsonlLogger;
  logger.flush = flush;
  return logger;
}
