/**
 * GPT-2's pre-tokenizer: text is cut into "words" (a leading space stays with the word, runs of
 * letters, digits and punctuation are separate, contractions are split off) and BPE merges never
 * cross a word boundary. Same pattern as GPT-2's `encoder.py`, written with Unicode classes.
 */
export const GPT2_SPLIT_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/**
 * Calls `visit` for each pre-token of `text`, in order; concatenated they give back `text`.
 *
 * @example
 * forEachWord("Hello  world!", (w) => words.push(w)); // "Hello", " ", " world", "!"
 */
export function forEachWord(text: string, visit: (word: string) => void): void {
  const pattern = new RegExp(GPT2_SPLIT_PATTERN.source, GPT2_SPLIT_PATTERN.flags); // own lastIndex
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) visit(match[0]);
}

/** Counts how often each pre-token occurs in the texts (the input of BPE training). */
export function countWords(texts: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) forEachWord(text, (word) => counts.set(word, (counts.get(word) ?? 0) + 1));
  return counts;
}
