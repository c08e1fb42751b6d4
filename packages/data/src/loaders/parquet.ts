/**
 * Dataset `parquet`: one string column of a Parquet file (Hugging Face datasets such as
 * wikitext or fineweb ship as Parquet), read with hyparquet. hyparquet is imported on first use so
 * loading this package stays cheap for callers that never read Parquet.
 */
import { basename, extname } from "node:path";
import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import { makeCorpus } from "../corpus.js";
import { DataFileError, TextFieldError } from "../errors.js";
import type { Corpus, TextDatasetPlugin } from "../types.js";
import { assertFile } from "./read-file.js";

const schema = z.strictObject({
  /** Path of the `.parquet` file. */
  path: z.string().min(1),
  /** Name of the top-level string column holding the documents. */
  column: z.string().min(1).default("text"),
  /**
   * Join every row (empty ones included) into ONE document with this string, as the WikiText-2
   * perplexity protocol does with `"\n\n"` (method.md §7.1). Without it, each non-empty row is a
   * document and empty rows are dropped.
   */
  joinWith: z.string().optional(),
  /** Corpus name; defaults to the file name without its extension. */
  name: z.string().min(1).optional(),
});

/** Options of {@link loadParquet}. */
export type ParquetOptions = z.input<typeof schema>;

/**
 * Loads one text column of a Parquet file, one document per row (or all rows joined, see
 * `joinWith`). Uncompressed and snappy files are supported (hyparquet's built-in codecs).
 *
 * @example
 * const wiki = await loadParquet({ path: "wikitext-2-raw-v1/test-00000-of-00001.parquet", joinWith: "\n\n" });
 * @throws DataFileError when the file is missing, unreadable, or lacks the column (the message
 *   lists the columns it has); EmptyCorpusError when no row has text; ConfigError on unknown options.
 */
export async function loadParquet(options: ParquetOptions): Promise<Corpus> {
  const { path, column, joinWith, name } = validateOptions('dataset "parquet"', schema, options);
  const where = `dataset "parquet" (path "${path}")`;
  await assertFile(where, path);
  const { asyncBufferFromFile, parquetMetadataAsync, parquetSchema, parquetReadObjects } = await import("hyparquet");
  let rows: Record<string, unknown>[];
  let columns: string[];
  try {
    const file = await asyncBufferFromFile(path);
    const metadata = await parquetMetadataAsync(file);
    columns = parquetSchema(metadata).children.map((child) => child.element.name);
    if (!columns.includes(column)) {
      throw new TextFieldError(`${where}: no column "${column}"; the file has columns: ${columns.join(", ")}`, "set the column option", column, columns);
    }
    rows = await parquetReadObjects({ file, metadata, columns: [column] });
  } catch (error) {
    if (error instanceof DataFileError) throw error;
    throw new DataFileError(`${where}: cannot read it as Parquet: ${(error as Error).message}`);
  }
  const documents: string[] = [];
  for (const [index, row] of rows.entries()) {
    const value = row[column];
    if (value === null || value === undefined) continue; // a null row has no text to keep
    if (typeof value !== "string") {
      throw new TextFieldError(`${where}: row ${index} of column "${column}" is a ${typeof value}, expected a string`, "pick a text column", column, columns);
    }
    if (value.length > 0 || joinWith !== undefined) documents.push(value);
  }
  if (joinWith !== undefined) documents.splice(0, documents.length, documents.join(joinWith));
  return makeCorpus(where, name ?? basename(path, extname(path)), documents, `check that column "${column}" has text`);
}

/** The `parquet` dataset plugin. */
export const parquetDataset: TextDatasetPlugin = {
  name: "parquet",
  apiVersion: 1,
  description: "One string column of a Parquet file (uncompressed or snappy), one document per row.",
  options: schema,
  format: "text",
  load: (options) => loadParquet(options as ParquetOptions),
};
