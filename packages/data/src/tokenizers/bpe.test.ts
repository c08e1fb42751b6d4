import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "@adaptive-sparse/core";
import { DataFileError, EmptyCorpusError, InvalidTokenError } from "../errors.js";
import { readMobyDickRecords } from "../loaders/stdlib-corpora.js";
import { readReference } from "../test-fixtures.js";
import { bpeFromJSON, bpeTokenizer, createBpeTokenizer } from "./bpe.js";
import { trainBpe } from "./bpe-train.js";
import { countWords } from "./pretokenize.js";

const reference = readReference().bpe;

describe("trainBpe", () => {
  it("learns the same merges as a naive reference trainer (most frequent pair, ties → smallest ids)", () => {
    const bpe = trainBpe(reference.texts, { vocabSize: reference.vocabSize });
    expect(bpe.merges).toEqual(reference.merges);
    expect(bpe.vocabSize).toBe(257 + reference.merges.length);
    expect(bpe.eotToken).toBe(256 + reference.merges.length);
    expect(Array.from(bpe.encode(reference.sentence))).toEqual(reference.sentenceIds);
  });

  it("pre-splits words like GPT-2", () => {
    const counts = countWords(reference.texts);
    expect(counts.size).toBe(reference.distinctWords);
    for (const [word, count] of reference.mostFrequentWords) expect(counts.get(word)).toBe(count);
    expect([...countWords(["Hello  world's 42!"]).keys()]).toEqual(["Hello", " ", " world", "'s", " 42", "!"]);
  });

  it("breaks count ties by the smallest pair ids, and stops when no pair repeats", () => {
    // "cd" and "ab" both occur twice; (97, 98) < (99, 100) so "ab" merges first although "cd" came
    // first. After both merges no pair is left, so training stops below the requested size.
    const bpe = trainBpe(["cd", "ab", "cd", "ab", "xy"], { vocabSize: 300 });
    expect(bpe.merges).toEqual([
      [97, 98],
      [99, 100],
    ]);
    expect(bpe.vocabSize).toBe(259);
  });

  it("merges a repeated byte left to right without overlap", () => {
    // "aaa" → (a a) a: the pair (97, 97) is counted twice per word but merged once.
    const one = trainBpe("aaa aaa", { vocabSize: 258 });
    expect(one.merges).toEqual([[97, 97]]);
    expect(Array.from(one.encode("aaa"))).toEqual([256, 97]);
    const two = trainBpe("aaa aaa", { vocabSize: 259 });
    expect(two.merges).toEqual([
      [97, 97],
      [256, 97],
    ]);
    expect(Array.from(two.encode("aaaa"))).toEqual([256, 256]);
  });

  it("trains 2,000 merges on ~1.2 MB (Moby Dick) well under 20 s and round-trips it", () => {
    const documents = readMobyDickRecords().map((record) => record.text);
    const started = performance.now();
    const bpe = trainBpe(documents, { vocabSize: 2257 });
    const seconds = (performance.now() - started) / 1000;
    expect(bpe.vocabSize).toBe(2257);
    expect(seconds).toBeLessThan(20);
    const chapter = documents[5]!;
    const ids = bpe.encode(chapter);
    expect(bpe.decode(ids)).toBe(chapter);
    expect(ids.length).toBeLessThan(chapter.length / 3); // real compression over bytes
  });

  it("errors on empty text and on bad options", () => {
    expect(() => trainBpe("", { vocabSize: 300 })).toThrow(EmptyCorpusError);
    expect(() => trainBpe("abc", { vocabSize: 100 })).toThrow(ConfigError);
    expect(() => trainBpe("abc", { vocabSize: 300, seed: 1 } as never)).toThrow('unknown option "seed" (valid options: vocabSize)');
  });
});

describe("bpe tokenizer", () => {
  it("round-trips through JSON and keeps encoding identically", () => {
    const bpe = trainBpe(reference.texts, { vocabSize: 300 });
    const json = JSON.parse(JSON.stringify(bpe));
    expect(json).toEqual({ type: "byte-bpe", version: 1, pretokenizer: "gpt2", merges: bpe.merges });
    const again = bpeFromJSON(json);
    expect(Array.from(again.encode(reference.sentence))).toEqual(Array.from(bpe.encode(reference.sentence)));
    expect(again.vocabSize).toBe(bpe.vocabSize);
  });

  it("decodes merged ids, the eot id and non-ASCII text", () => {
    const bpe = createBpeTokenizer([[104, 105]]);
    expect(Array.from(bpe.encode("hi hi"))).toEqual([256, 32, 256]);
    expect(bpe.decode([256, 257, 0xc3, 0xa9])).toBe("hi<|endoftext|>é");
    expect(() => bpe.decode([258])).toThrow(InvalidTokenError);
  });

  it("rejects a corrupt model", () => {
    expect(() => bpeFromJSON({ type: "byte-bpe", version: 1, pretokenizer: "gpt2", merges: [[256, 1]] })).toThrow(
      "merge 0 uses id 256, but only ids below 256 exist",
    );
    expect(() => bpeFromJSON({ type: "wordpiece" })).toThrow(ConfigError);
  });

  it("plugin loads a model from a file or an object, and names a missing file", async () => {
    const folder = await mkdtemp(join(tmpdir(), "bpe-"));
    try {
      const path = join(folder, "bpe.json");
      await writeFile(path, JSON.stringify(createBpeTokenizer([[104, 105]])));
      expect((await bpeTokenizer.create({ path })).vocabSize).toBe(258);
      expect((await bpeTokenizer.create({ model: { type: "byte-bpe", version: 1, pretokenizer: "gpt2", merges: [] } })).vocabSize).toBe(257);
      await expect(bpeTokenizer.create({})).rejects.toThrow('exactly one of the options "path"');
      await expect(bpeTokenizer.create({ path: join(folder, "nope.json") })).rejects.toThrow(DataFileError);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
