/**
 * Train/validation split by document, so no document contributes text to both sides (a split of
 * the token stream would leak the start of a held-out document into training).
 */
import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import { EmptyCorpusError } from "./errors.js";
import { createPrng, shuffleInPlace } from "./sampling/prng.js";
import { seedSchema } from "./sampling/windows.js";
import type { Corpus } from "./types.js";

const schema = z.strictObject({
  /** Share of documents held out, strictly between 0 and 1. */
  validationFraction: z.number().gt(0).lt(1),
  seed: seedSchema,
});

/** Options of {@link splitDocuments}. */
export type SplitOptions = z.input<typeof schema>;

/** The two sides of a split; each keeps the corpus's document order. */
export interface CorpusSplit {
  readonly train: Corpus;
  readonly validation: Corpus;
}

/**
 * Splits a corpus by document: a seeded shuffle of the document indices, the first
 * `round(n · validationFraction)` of them (at least 1, at most n − 1) held out for validation.
 * Both sides keep the original document order. A mixture ({@link mixCorpora}) is split part by part.
 *
 * @example
 * const { train, validation } = splitDocuments(corpus, { validationFraction: 0.1, seed: 1337 });
 * @throws EmptyCorpusError when the corpus has fewer than 2 documents; ConfigError on bad options.
 */
export function splitDocuments(corpus: Corpus, options: SplitOptions): CorpusSplit {
  const { validationFraction, seed } = validateOptions("splitDocuments", schema, options);
  if (corpus.parts && corpus.parts.length > 1) return splitByPart(corpus, { validationFraction, seed });
  const count = corpus.documents.length;
  if (count < 2) {
    throw new EmptyCorpusError(
      `splitDocuments: corpus "${corpus.name}" has ${count} document(s); a split by document needs at least 2 ` +
        "(use a loader's separator option to cut a single file into documents)",
    );
  }
  const held = Math.min(count - 1, Math.max(1, Math.round(count * validationFraction)));
  const order = shuffleInPlace(Array.from({ length: count }, (_, index) => index), createPrng(seed));
  const isValidation = new Uint8Array(count);
  for (const index of order.slice(0, held)) isValidation[index] = 1;
  const train: string[] = [];
  const validation: string[] = [];
  corpus.documents.forEach((document, index) => (isValidation[index] ? validation : train).push(document));
  return {
    train: { name: `${corpus.name}-train`, documents: train },
    validation: { name: `${corpus.name}-validation`, documents: validation },
  };
}

/**
 * A mixture is split part by part with the same options (stratified), so each component's held-out
 * documents are exactly those the component alone would hold out.
 */
function splitByPart(corpus: Corpus, options: { validationFraction: number; seed: number }): CorpusSplit {
  const sides = { train: [] as Corpus[], validation: [] as Corpus[] };
  let start = 0;
  for (const part of corpus.parts!) {
    const split = splitDocuments({ name: part.name, documents: corpus.documents.slice(start, start + part.documents) }, options);
    sides.train.push({ name: part.name, documents: split.train.documents });
    sides.validation.push({ name: part.name, documents: split.validation.documents });
    start += part.documents;
  }
  const side = (which: "train" | "validation"): Corpus => {
    const parts = sides[which].map((c) => ({ name: c.name, documents: c.documents.length }));
    return { name: `${corpus.name}-${which}`, documents: sides[which].flatMap((c) => c.documents), parts };
  };
  return { train: side("train"), validation: side("validation") };
}
