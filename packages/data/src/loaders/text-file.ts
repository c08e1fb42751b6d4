/** Dataset `text-file`: one UTF-8 file as one document, or split into documents on blank lines or a separator. */
import { basename, extname } from "node:path";
import { ConfigError, validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import { makeCorpus } from "../corpus.js";
import type { Corpus, TextDatasetPlugin } from "../types.js";
import { readText } from "./read-file.js";

const schema = z.strictObject({
  /** Path of the file. */
  path: z.string().min(1),
  /** When set, the file is cut into documents on this exact string; blank pieces are dropped. */
  separator: z.string().min(1).optional(),
  /** `blank-lines`: a document ends at each run of empty (or whitespace-only) lines; `none`: one document. */
  split: z.enum(["none", "blank-lines"]).optional(),
  /** Corpus name; defaults to the file name without its extension. */
  name: z.string().min(1).optional(),
});

// A line break, then one or more lines holding only spaces or tabs (a paragraph break, \n or \r\n).
const BLANK_LINES = /\r?\n(?:[ \t]*\r?\n)+/;

/** Options of {@link loadTextFile}. */
export type TextFileOptions = z.input<typeof schema>;

/**
 * Loads a text file as a corpus.
 *
 * @example
 * const corpus = await loadTextFile({ path: "data/shakespeare.txt", separator: "\n\n\n" });
 * const paragraphs = await loadTextFile({ path: "notes.txt", split: "blank-lines" });
 * @throws DataFileError when the file is missing; EmptyCorpusError when it holds no text;
 *   ConfigError on unknown options.
 */
export async function loadTextFile(options: TextFileOptions): Promise<Corpus> {
  const { path, separator, split, name } = validateOptions('dataset "text-file"', schema, options);
  const where = `dataset "text-file" (path "${path}")`;
  if (separator !== undefined && split !== undefined) throw new ConfigError(`${where}: give either separator or split, not both`);
  const text = await readText(where, path);
  const pieces = separator !== undefined ? text.split(separator) : split === "blank-lines" ? text.split(BLANK_LINES) : undefined;
  const documents = pieces ? pieces.filter((piece) => piece.trim().length > 0) : [text];
  return makeCorpus(where, name ?? basename(path, extname(path)), documents, "check that the file has text in it");
}

/** The `text-file` dataset plugin. */
export const textFileDataset: TextDatasetPlugin = {
  name: "text-file",
  apiVersion: 1,
  description: "One UTF-8 text file: one document, or documents split on blank lines (`split`) or on `separator`.",
  options: schema,
  format: "text",
  load: (options) => loadTextFile(options as TextFileOptions),
};
