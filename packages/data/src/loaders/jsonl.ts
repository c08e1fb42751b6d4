/**
 * Dataset `jsonl`: one JSON object per line, the document in a string field (`text` by default).
 * Gzipped files (C4's `*.json.gz` shards) are recognised by their magic bytes and gunzipped as a
 * stream, so a shard is never held in memory twice.
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import { makeCorpus } from "../corpus.js";
import { DataFileError, TextFieldError } from "../errors.js";
import type { Corpus, TextDatasetPlugin } from "../types.js";
import { assertFile } from "./read-file.js";

const schema = z.strictObject({
  /** Path of a `.jsonl` / `.json` file, plain or gzipped. */
  path: z.string().min(1),
  /** Field holding the document text. */
  field: z.string().min(1).default("text"),
  /** Stop after this many documents (handy for a quick look at a large shard). */
  limit: z.number().int().positive().optional(),
  /** Corpus name; defaults to the file name up to its first dot. */
  name: z.string().min(1).optional(),
});

/** Options of {@link loadJsonl}. */
export type JsonlOptions = z.input<typeof schema>;

async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    return bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

function parseLine(where: string, line: string, lineNumber: number, field: string): string {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (error) {
    throw new DataFileError(`${where}: line ${lineNumber} is not valid JSON (${(error as Error).message}); each line must be one JSON object`);
  }
  const object = typeof record === "object" && record !== null ? (record as Record<string, unknown>) : null;
  const value = object?.[field];
  if (typeof value !== "string") {
    const keys = object ? Object.keys(object) : [];
    throw new TextFieldError(`${where}: line ${lineNumber} has no string field "${field}" (it has: ${object ? keys.join(", ") : typeof record})`, "set the field option", field, keys);
  }
  return value;
}

/**
 * Loads a JSON-lines file. Blank lines are skipped; a line without the field is an error naming
 * the line number and the keys it does have.
 *
 * @example
 * const c4 = await loadJsonl({ path: "c4/en/c4-validation.00000-of-00008.json.gz", limit: 1000 });
 * @throws DataFileError when the file is missing or a line is malformed; EmptyCorpusError when it
 *   has no documents; ConfigError on unknown options.
 */
export async function loadJsonl(options: JsonlOptions): Promise<Corpus> {
  const { path, field, limit, name } = validateOptions('dataset "jsonl"', schema, options);
  const where = `dataset "jsonl" (path "${path}")`;
  await assertFile(where, path);
  const file = createReadStream(path);
  let input: Readable = file;
  if (await isGzip(path)) {
    const gunzip = createGunzip();
    file.on("error", (error) => gunzip.destroy(error));
    input = file.pipe(gunzip);
  }
  const documents: string[] = [];
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber += 1;
      if (line.trim().length === 0) continue;
      documents.push(parseLine(where, line, lineNumber, field));
      if (limit !== undefined && documents.length >= limit) break;
    }
  } catch (error) {
    if (error instanceof DataFileError) throw error;
    throw new DataFileError(`${where}: cannot read line ${lineNumber + 1}: ${(error as Error).message} (is the .gz file truncated?)`);
  } finally {
    lines.close();
    input.destroy();
    file.destroy();
  }
  return makeCorpus(where, name ?? basename(path).split(".")[0]!, documents, `check that the file has lines with a "${field}" field`);
}

/** The `jsonl` dataset plugin. */
export const jsonlDataset: TextDatasetPlugin = {
  name: "jsonl",
  apiVersion: 1,
  description: "JSON lines (plain or .gz, e.g. C4 shards), one document per line from a string field.",
  options: schema,
  format: "text",
  load: (options) => loadJsonl(options as JsonlOptions),
};
