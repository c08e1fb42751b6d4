/**
 * Training a small byte-level BPE (the GPT-2 scheme, learned on our own text): start from the 256
 * byte ids, repeatedly merge the most frequent adjacent pair into a new id. Deterministic: the most
 * frequent pair wins, ties go to the smallest (left id, right id).
 *
 * Speed: words are counted once (each distinct pre-token is stored once with its frequency), and
 * after a merge only the words containing the merged pair are revisited, with pair counts kept in
 * a lazy max-heap. About 1 MB of English text trains 2,000 merges in a couple of seconds.
 */
import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import { EmptyCorpusError } from "../errors.js";
import { type BpeTokenizer, createBpeTokenizer, mergeWord } from "./bpe.js";
import { PairHeap } from "./pair-heap.js";
import { countWords } from "./pretokenize.js";

const schema = z.strictObject({
  /** Final vocabulary: 256 bytes + merges + 1 end-of-text id; at most 65,536 so ids fit uint16. */
  vocabSize: z.number().int().min(257).max(65536),
});

/** Options of {@link trainBpe}. */
export type TrainBpeOptions = z.input<typeof schema>;

const PAIR_BASE = 65536; // pair key = left · 65536 + right, so key order = (left, right) order

/**
 * Learns merges on `text` until the vocabulary reaches `vocabSize` or no pair occurs twice (a
 * pair seen once would only memorise one word). The result may therefore be smaller than asked:
 * read `tokenizer.vocabSize`.
 *
 * @param text one string, or documents (words never span two documents).
 * @example
 * const bpe = trainBpe(corpus.documents, { vocabSize: 2048 });
 * await writeFile("bpe.json", JSON.stringify(bpe)); // later: bpeFromJSON(JSON.parse(...))
 * @throws EmptyCorpusError when the text is empty; ConfigError on bad options.
 */
export function trainBpe(text: string | readonly string[], options: TrainBpeOptions): BpeTokenizer {
  const { vocabSize } = validateOptions("trainBpe", schema, options);
  const wordCounts = countWords(typeof text === "string" ? [text] : text);
  if (wordCounts.size === 0) throw new EmptyCorpusError("trainBpe: the training text is empty; pass the corpus documents");

  const encoder = new TextEncoder();
  const words: number[][] = [];
  const frequencies: number[] = [];
  for (const [word, count] of wordCounts) {
    words.push(Array.from(encoder.encode(word)));
    frequencies.push(count);
  }

  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, number[]>(); // pair → words that contain (or once contained) it
  const addPairs = (w: number, symbols: readonly number[], sign: 1 | -1, deltas: Map<number, number>) => {
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = symbols[i]! * PAIR_BASE + symbols[i + 1]!;
      deltas.set(key, (deltas.get(key) ?? 0) + sign * frequencies[w]!);
    }
  };
  const listWord = (key: number, w: number) => {
    const list = pairWords.get(key);
    if (!list) pairWords.set(key, [w]);
    else if (list[list.length - 1] !== w) list.push(w);
  };
  words.forEach((symbols, w) => {
    addPairs(w, symbols, 1, pairCounts);
    for (let i = 0; i + 1 < symbols.length; i++) listWord(symbols[i]! * PAIR_BASE + symbols[i + 1]!, w);
  });
  const heap = new PairHeap();
  for (const [key, count] of pairCounts) heap.push(count, key);

  const merges: [number, number][] = [];
  const visited = new Int32Array(words.length).fill(-1); // merge index that last visited each word
  const wanted = vocabSize - 257;
  while (merges.length < wanted) {
    const top = heap.pop();
    if (top === undefined || top.count < 2) break;
    if (pairCounts.get(top.key) !== top.count) continue; // stale entry: the count has changed since
    const left = Math.floor(top.key / PAIR_BASE);
    const right = top.key % PAIR_BASE;
    const merged = 256 + merges.length;
    const deltas = new Map<number, number>();
    for (const w of pairWords.get(top.key) ?? []) {
      if (visited[w] === merges.length) continue;
      visited[w] = merges.length;
      const before = words[w]!;
      const after = mergeWord(before, left, right, merged);
      if (after.length === before.length) continue; // the word lost this pair in an earlier merge
      addPairs(w, before, -1, deltas);
      addPairs(w, after, 1, deltas);
      // Only pairs touching the new id are new to this word; the others were listed already.
      for (let i = 0; i + 1 < after.length; i++) {
        if (after[i] === merged || after[i + 1] === merged) listWord(after[i]! * PAIR_BASE + after[i + 1]!, w);
      }
      words[w] = after;
    }
    pairWords.delete(top.key);
    for (const [key, delta] of deltas) {
      if (delta === 0) continue;
      const count = (pairCounts.get(key) ?? 0) + delta;
      if (count > 0) {
        pairCounts.set(key, count);
        heap.push(count, key);
      } else {
        pairCounts.delete(key);
      }
    }
    merges.push([left, right]);
  }
  return createBpeTokenizer(merges);
}
