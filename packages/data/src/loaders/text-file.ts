/** Dataset `text-file`: one UTF-8 file as one document, or split into documents on a separator. */
import { basename, extname } from "node:path";
import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import { makeCorpus } from "../corpus.js";
import type { Corpus, TextDatasetPlugin } from "../types.js";
import { readText } from "./read-file.js";

const schema = z.strictObject({
  /** Path of the file. */
  path: z.string().min(1),
  /** When set, the file is cut into documents on this exact string; blank pieces are dropped. */
  separator: z.string().min(1).optional(),
  /** Corpus name; defaults to the file name without its extension. */
  name: z.string().min(1).optional(),
});

/** Options of {@link loadTextFile}. */
export type TextFileOptions = z.input<typeof schema>;

/**
 * Loads a text file as a corpus.
 *
 * @example
 * const corpus = await loadTextFile({ path: "data/shakespeare.txt", separator: "\n\n\n" });
 * @throws DataFileError when the file is missing; EmptyCorpusError when it holds no text;
 *   ConfigError on unknown options.
 */
export async function loadTextFile(options: TextFileOptions): Promise<Corpus> {
  const { path, separator, name } = validateOptions('dataset "text-file"', schema, options);
  const where = `dataset "text-file" (path "${path}")`;
  const text = await readText(where, path);
  const documents = separator === undefined ? [text] : text.split(separator).filter((piece) => piece.trim().length > 0);
  return makeCorpus(where, name ?? basename(path, extname(path)), documents, "check that the file has text in it");
}

/** The `text-file` dataset plugin. */
export const textFileDataset: TextDatasetPlugin = {
  name: "text-file",
  apiVersion: 1,
  description: "One UTF-8 text file: one document, or documents split on `separator`.",
  options: schema,
  format: "text",
  load: (options) => loadTextFile(options as TextFileOptions),
};
