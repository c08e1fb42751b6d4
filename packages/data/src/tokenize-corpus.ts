/**
 * Corpus → one token stream, the layout nanoGPT and the AST reference train on (method.md §3.8):
 * each document's tokens followed by the end-of-text id, all concatenated.
 */
import { EmptyCorpusError } from "./errors.js";
import { assertTokenId } from "./tokenizers/token-check.js";
import type { Corpus, TokenArray, TokenDType, Tokenizer } from "./types.js";

/** The narrowest dtype that holds every id of a vocabulary: uint16 up to 65,536 ids. */
export function tokenDTypeFor(vocabSize: number): TokenDType {
  return vocabSize <= 65536 ? "uint16" : "uint32";
}

/**
 * Tokenizes every document and concatenates them, appending the tokenizer's end-of-text id after
 * each document (so the model learns where documents end, and the stream ends with it). A tokenizer
 * without `eotToken` concatenates documents directly; one with `bosToken` starts each document with it.
 *
 * @param documents a corpus or its documents.
 * @returns uint16 when `vocabSize ≤ 65536`, else uint32; length = Σ tokens + one or two ids per document.
 * @example
 * const tokens = tokenizeCorpus(corpus, await createGpt2Tokenizer()); // Uint16Array
 * @throws EmptyCorpusError when there are no documents; InvalidTokenError when the tokenizer emits
 *   an id outside its own vocabulary.
 */
export function tokenizeCorpus(documents: Corpus | readonly string[], tokenizer: Tokenizer): TokenArray {
  const list = "documents" in documents ? documents.documents : documents;
  if (list.length === 0) throw new EmptyCorpusError(`tokenizeCorpus: no documents to tokenize (tokenizer "${tokenizer.name}")`);
  const encoded = list.map((document) => tokenizer.encode(document));
  const separator = tokenizer.eotToken === undefined ? 0 : 1;
  const bos = tokenizer.bosToken === undefined ? 0 : 1;
  const total = encoded.reduce((sum, ids) => sum + bos + ids.length + separator, 0);
  const tokens = tokenDTypeFor(tokenizer.vocabSize) === "uint16" ? new Uint16Array(total) : new Uint32Array(total);
  let offset = 0;
  for (const ids of encoded) {
    if (bos) tokens[offset++] = tokenizer.bosToken!;
    for (let i = 0; i < ids.length; i++) {
      // A typed array would wrap an out-of-range id silently, so check before storing.
      const id = ids[i]!;
      if (id < 0 || id >= tokenizer.vocabSize) assertTokenId(tokenizer.name, id, offset, tokenizer.vocabSize);
      tokens[offset++] = id;
    }
    if (separator) tokens[offset++] = tokenizer.eotToken!;
  }
  return tokens;
}
