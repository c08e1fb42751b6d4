/** Dataset `text-folder`: every `.txt` file of one folder, one document per file, in sorted order. */
import { basename, join, resolve } from "node:path";
import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import { makeCorpus } from "../corpus.js";
import type { Corpus, TextDatasetPlugin } from "../types.js";
import { listFolder, readText } from "./read-file.js";

const schema = z.strictObject({
  /** Folder to read (not recursive). */
  path: z.string().min(1),
  /** File-name ending to select; `.txt` by default. */
  extension: z.string().min(1).default(".txt"),
  /** Corpus name; defaults to the folder name. */
  name: z.string().min(1).optional(),
});

/** Options of {@link loadTextFolder}. */
export type TextFolderOptions = z.input<typeof schema>;

/**
 * Loads every matching file of a folder. Files are sorted by name (code-point order, not locale) so
 * document order, and therefore every seeded split, is the same on every machine.
 *
 * @example
 * const corpus = await loadTextFolder({ path: "data/essays" });
 * @throws DataFileError when the folder is missing; EmptyCorpusError when no file matches or all
 *   are empty; ConfigError on unknown options.
 */
export async function loadTextFolder(options: TextFolderOptions): Promise<Corpus> {
  const { path, extension, name } = validateOptions('dataset "text-folder"', schema, options);
  const where = `dataset "text-folder" (path "${path}")`;
  const files = (await listFolder(where, path)).filter((file) => file.endsWith(extension)).sort();
  const documents: string[] = [];
  for (const file of files) documents.push(await readText(where, join(path, file)));
  const hint = files.length === 0 ? `no "*${extension}" files in ${resolve(path)}; check the path and extension options` : "every file is empty";
  return makeCorpus(where, name ?? basename(resolve(path)), documents, hint);
}

/** The `text-folder` dataset plugin. */
export const textFolderDataset: TextDatasetPlugin = {
  name: "text-folder",
  apiVersion: 1,
  description: "Every .txt file of a folder (sorted by name), one document per file.",
  options: schema,
  format: "text",
  load: (options) => loadTextFolder(options as TextFolderOptions),
};
