import { describe, expect, it } from "vitest";
import { EmptyCorpusError, InvalidTokenError } from "./errors.js";
import { tokenDTypeFor, tokenizeCorpus } from "./tokenize-corpus.js";
import { createByteTokenizer } from "./tokenizers/byte.js";
import type { Tokenizer } from "./types.js";

const fake = (vocabSize: number, eotToken?: number): Tokenizer => ({
  name: "fake",
  vocabSize,
  eotToken,
  encode: (text) => Array.from(text, (char) => char.charCodeAt(0) - 96 + (vocabSize > 65536 ? 70000 : 0)),
  decode: () => "",
});

describe("tokenizeCorpus", () => {
  it("appends the eot id after every document (method.md §3.8)", () => {
    const tokens = tokenizeCorpus({ name: "c", documents: ["hi", "", "é"] }, createByteTokenizer());
    expect(tokens).toBeInstanceOf(Uint16Array);
    expect(Array.from(tokens)).toEqual([104, 105, 256, 256, 0xc3, 0xa9, 256]);
  });

  it("uses uint32 when the vocabulary exceeds 65,536 ids", () => {
    expect(tokenDTypeFor(65536)).toBe("uint16");
    expect(tokenDTypeFor(65537)).toBe("uint32");
    const tokens = tokenizeCorpus(["ab"], fake(100_000, 99_999));
    expect(tokens).toBeInstanceOf(Uint32Array);
    expect(Array.from(tokens)).toEqual([70001, 70002, 99999]);
  });

  it("concatenates directly when the tokenizer has no eot id", () => {
    expect(Array.from(tokenizeCorpus(["ab", "c"], fake(30)))).toEqual([1, 2, 3]);
  });

  it("refuses an empty corpus and ids outside the vocabulary", () => {
    expect(() => tokenizeCorpus([], createByteTokenizer())).toThrow(EmptyCorpusError);
    expect(() => tokenizeCorpus(["az"], fake(10))).toThrow(InvalidTokenError);
    expect(() => tokenizeCorpus(["az"], fake(10))).toThrow('tokenizer "fake": id 26 at position 1 is outside the vocabulary [0, 10)');
  });
});
