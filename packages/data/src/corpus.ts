/**
 * Building a {@link Corpus} with the one check every loader needs: at least one non-empty document.
 */
import { EmptyCorpusError } from "./errors.js";
import type { Corpus } from "./types.js";

/**
 * Wraps documents as a corpus, refusing an empty one so the failure points at the source rather
 * than at a sampler much later.
 *
 * @param where the loader and its source, e.g. `dataset "text-file" (path "a.txt")`.
 * @param hint what to check, appended to the message.
 * @throws EmptyCorpusError when there are no documents or every document is empty.
 */
export function makeCorpus(where: string, name: string, documents: string[], hint: string): Corpus {
  if (documents.length === 0 || documents.every((document) => document.length === 0)) {
    throw new EmptyCorpusError(`${where}: the corpus is empty (${documents.length} documents, no text); ${hint}`);
  }
  return { name, documents };
}
