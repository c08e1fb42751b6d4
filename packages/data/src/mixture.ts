/**
 * A mixture of corpora, as WebText is to its sources: one corpus whose documents are those of every
 * component, which remembers where each component's documents are so a split can hold out some of each.
 */
import { EmptyCorpusError } from "./errors.js";
import type { Corpus } from "./types.js";

/**
 * Concatenates corpora into one, named `a+b+…`, recording each as a part (a mixture of mixtures is
 * flattened into its components).
 *
 * @example
 * const mixed = mixCorpora([await loadSotu(), await loadSpamAssassinHam()]);
 * splitDocuments(mixed, { validationFraction: 0.1, seed: 0 }); // 10% of each component held out
 * @throws EmptyCorpusError when no corpus is given.
 */
export function mixCorpora(corpora: readonly Corpus[]): Corpus {
  if (corpora.length === 0) throw new EmptyCorpusError("mixCorpora: no corpus to mix; pass at least one");
  const parts = corpora.flatMap((corpus) => corpus.parts ?? [{ name: corpus.name, documents: corpus.documents.length }]);
  return { name: parts.map((part) => part.name).join("+"), documents: corpora.flatMap((corpus) => corpus.documents), parts };
}
