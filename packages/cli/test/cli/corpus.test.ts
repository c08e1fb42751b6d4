import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cpuBackendPlugin } from "@adaptive-sparse/core";
import { createByteTokenizer, spreadWindows, writeTokenBin } from "@adaptive-sparse/data";
import { afterAll, describe, expect, it } from "vitest";
import { corpusTokens, datasetFor } from "../../src/corpus.js";
import { createCliRegistry } from "../../src/registry.js";
import { evalWindowsOf, prepareData } from "../../src/runtime.js";
import { FAST, makeFixture, runCli } from "./helpers.js";

// Issue 16 items 1 and 9, issue 12 item 7: a single text file is a corpus; ids are checked against the
// model when the corpus loads; corpora and backends come from the one registry, user-registered ones too.
describe("corpora from the registry: text files, token files, your own datasets", async () => {
  const { root, model } = await makeFixture();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const cacheDir = join(root, "cache");
  const byte = createByteTokenizer();
  const paragraphs = Array.from({ length: 10 }, (_, i) => `Paragraph ${i} of my notes.\nIt has two lines, the second one longer than the first.`);
  const notes = join(root, "notes.txt");
  writeFileSync(notes, paragraphs.join("\n\n"));

  it("a .txt file is split into documents on blank lines by default, on --separator when given", async () => {
    const registry = createCliRegistry();
    expect(datasetFor(notes, registry)).toEqual({ name: "text-file", options: { path: notes, split: "blank-lines" } });
    expect(datasetFor(notes, registry, { separator: "\n" })).toEqual({ name: "text-file", options: { path: notes, separator: "\n" } });
    expect(datasetFor("sotu", registry)).toEqual({ name: "sotu", options: {} });
    const { train, validation } = await corpusTokens(notes, byte, { cacheDir, registry });
    // 10 paragraphs, 1 held out; each document is its bytes plus one end-of-text id.
    const bytesOf = (text: string) => Buffer.byteLength(text) + 1;
    expect(train.length + validation.length).toBe(paragraphs.reduce((sum, p) => sum + bytesOf(p), 0));
    expect(paragraphs.map(bytesOf)).toContain(validation.length);
    const lines = await corpusTokens(notes, byte, { cacheDir, registry, separator: "\n" });
    expect(lines.train.length + lines.validation.length).toBe(paragraphs.join("\n").split("\n").filter((l) => l.trim()).reduce((sum, l) => sum + bytesOf(l), 0));
  });

  it("--text-field names the JSONL field or Parquet column of the text; a file without it says which to pass", async () => {
    const registry = createCliRegistry();
    const posts = join(root, "posts.jsonl");
    writeFileSync(posts, paragraphs.map((p, i) => JSON.stringify({ id: i, content: p })).join("\n"));
    expect(datasetFor(posts, registry, { textField: "content" })).toEqual({ name: "jsonl", options: { path: posts, field: "content" } });
    const parquet = fileURLToPath(new URL("../../../data/fixtures/tiny.parquet", import.meta.url)); // columns id (INT32) and text
    expect(datasetFor(parquet, registry, { textField: "text" })).toEqual({ name: "parquet", options: { path: parquet, column: "text" } });
    await expect(corpusTokens(parquet, byte, { cacheDir, registry, textField: "id" })).rejects.toThrow(
      `corpus "${parquet}": dataset "parquet" (path "${parquet}"): row 0 of column "id" is a number, expected a string; pass --text-field text`,
    );
    // The same documents as the .txt file, so the same number of tokens.
    const viaField = await corpusTokens(posts, byte, { cacheDir, registry, textField: "content" });
    const viaText = await corpusTokens(notes, byte, { cacheDir, registry });
    expect(viaField.train.length + viaField.validation.length).toBe(viaText.train.length + viaText.validation.length);
    await expect(corpusTokens(posts, byte, { cacheDir, registry })).rejects.toThrow(
      `corpus "${posts}": dataset "jsonl" (path "${posts}"): line 1 has no string field "text" (it has: id, content); pass --text-field with the one that holds the text`,
    );
    const one = join(root, "one-field.jsonl");
    writeFileSync(one, paragraphs.map((p) => JSON.stringify({ content: p })).join("\n"));
    await expect(corpusTokens(one, byte, { cacheDir, registry })).rejects.toThrow(`line 1 has no string field "text" (it has: content); pass --text-field content`);
    expect(() => datasetFor(notes, registry, { textField: "content" })).toThrow(
      `--text-field (data.textField) names the field of a .jsonl(.gz) file or the column of a .parquet file; corpus "${notes}" is read by dataset "text-file", which has none: leave it out`,
    );
    // From the command line: eval with the flag scores the file; without it the hint reaches the user before any compute.
    const ok = await runCli(["eval", "-m", model, "--corpus", one, "--text-field", "content", "--max-windows", "2", "--backend", "cpu", "--json"]);
    expect(ok.stderr).toBe("");
    expect(JSON.parse(ok.stdout)["perplexity.one-field"]).toBeGreaterThan(1);
    const hint = await runCli(["eval", "-m", model, "--corpus", one, "--backend", "cpu"]);
    expect(hint.code).toBe(1);
    expect(hint.stderr).toContain("pass --text-field content");
  });

  it("prune and pretrain read the field too (--text-field, or data.textField in the settings)", async () => {
    const posts = join(root, "posts-prune.jsonl");
    writeFileSync(posts, paragraphs.map((p) => JSON.stringify({ content: p })).join("\n"));
    const prune = await runCli(["prune", "-m", model, "--corpus", posts, "--text-field", "content", "--method", "dense", "--steps", "2", "--backend", "cpu", "--quiet", "-o", join(root, "field-run"), ...FAST]);
    expect(prune.stderr).toContain("prune: completed at step 2");
    const viaSettings = await runCli(["prune", "-m", model, "--corpus", posts, "--set", "data.textField=content", "--method", "dense", "--steps", "2", "--backend", "cpu", "--quiet", "-o", join(root, "field-run-2"), ...FAST]);
    expect(viaSettings.stderr).toContain("prune: completed at step 2");
    const pretrain = await runCli(["pretrain", "--corpus", posts, "--text-field", "content", "--steps", "2", "--set", "tokenizer.type=byte", "--set", "model.nLayer=1", "--set", "model.nEmbd=16", "--set", "model.nHead=2", "--set", "model.blockSize=16", "--backend", "cpu", "--quiet", "-o", join(root, "field-pretrain")]);
    expect(pretrain.stderr).toContain("pretrain: completed at step 2");
    const missing = await runCli(["prune", "-m", model, "--corpus", posts, "--method", "dense", "--steps", "2", "--backend", "cpu", "--quiet", "-o", join(root, "field-run-3")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("pass --text-field content");
  });

  it("a+b mixes corpora: the split holds out each component's own held-out documents", async () => {
    const registry = createCliRegistry();
    const other = join(root, "other.txt");
    writeFileSync(other, Array.from({ length: 20 }, (_, i) => `Other text number ${i}.`).join("\n\n"));
    const options = { cacheDir, registry, validationFraction: 0.2, seed: 3 };
    const mixed = await corpusTokens(`${notes}+${other}`, byte, options);
    const [a, b] = [await corpusTokens(notes, byte, options), await corpusTokens(other, byte, options)];
    expect(Array.from(mixed.validation)).toEqual([...a.validation, ...b.validation]);
    expect(Array.from(mixed.train)).toEqual([...a.train, ...b.train]);
    await expect(corpusTokens(`${notes}+`, byte, options)).rejects.toThrow('a mixture names its corpora joined by "+" (e.g. sotu+spam-assassin-ham); one of the names is empty');
  });

  it("a capped evaluation (the trainer's eval.maxWindows) keeps windows spread over each held-out set", async () => {
    const registry = createCliRegistry();
    // Training windows of 4 tokens, a model of 8: the evaluation's windows are the model's (or eval.blockSize).
    const data = { corpus: notes, validationFraction: 0.3, splitSeed: 1, batchSize: 2, seed: 0, cacheDir, blockSize: 4 } as never;
    const full = await prepareData(data, [], byte, 8, { registry });
    const capped = await prepareData(data, [], byte, 8, { registry, evalWindows: { count: 3 } });
    const held = full.validation.notes!;
    expect(held.length).toBeGreaterThan(3 * 8 * 4); // many more windows than 3
    expect(Array.from(capped.validation.notes!)).toEqual(Array.from(spreadWindows(held, 8, 3)));
    const short = await prepareData(data, [], byte, 8, { registry, evalWindows: { count: 3, blockSize: 6 } });
    expect(Array.from(short.validation.notes!)).toEqual(Array.from(spreadWindows(held, 6, 3)));
    expect(evalWindowsOf({ eval: { maxWindows: 40 } })).toEqual({ count: 40 });
    expect(evalWindowsOf({ eval: { maxWindows: 40, blockSize: 32 } })).toEqual({ count: 40, blockSize: 32 });
    expect(evalWindowsOf({ eval: { blockSize: 32 } })).toBeUndefined();
    expect(evalWindowsOf({})).toBeUndefined();
  });

  it("eval takes a mixture and checks each component before any compute", async () => {
    writeFileSync(join(root, "mine.txt"), Array.from({ length: 12 }, (_, i) => `My own text, paragraph ${i}, long enough to fill a window.`).join("\n\n"));
    const mixed = `${join(root, "mine.txt")}+${notes}`;
    const ok = await runCli(["eval", "-m", model, "--corpus", mixed, "--max-windows", "2", "--backend", "cpu", "--json"]);
    expect(ok.stderr).toBe("");
    expect(JSON.parse(ok.stdout)["perplexity.mine+notes"]).toBeGreaterThan(1);
    const missing = await runCli(["eval", "-m", model, "--corpus", `${notes}+no-such-corpus`, "--backend", "cpu"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('corpus "no-such-corpus" is neither a registered corpus');
    const empty = await runCli(["eval", "-m", model, "--corpus", `${notes}+`, "--backend", "cpu"]);
    expect(empty.stderr).toContain('a mixture names its corpora joined by "+" (e.g. sotu+spam-assassin-ham); one of the names is empty');
  });

  it("a file that stays one document says how to cut it, or to score it whole", async () => {
    const text = "just one paragraph without any blank line in it, long enough to score";
    writeFileSync(join(root, "one.txt"), text);
    await expect(corpusTokens(join(root, "one.txt"), byte, { cacheDir })).rejects.toThrow(
      `corpus "${join(root, "one.txt")}" has 1 document(s) (no blank line separates paragraphs in it), but a train/validation split by document needs at least 2; pass --separator '\\n' to cut it into lines (or another string), or score it as a whole with eval --whole`,
    );
    const whole = await corpusTokens(join(root, "one.txt"), byte, { cacheDir, whole: true });
    expect(whole.validation.length).toBe(text.length + 1); // bytes + end-of-text
  });

  it("eval --whole scores a single-document file; eval on its held-out split would refuse", async () => {
    writeFileSync(join(root, "eval.txt"), "The union is strong. ".repeat(8));
    const { code, stdout, stderr } = await runCli(["eval", "-m", model, "--corpus", join(root, "eval.txt"), "--whole", "--backend", "cpu", "--json"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)["perplexity.eval"]).toBeGreaterThan(1);
  });

  it("a .bin of another vocabulary fails naming the file, before training and before metrics.jsonl", async () => {
    const bin = join(root, "gpt2-tokens.bin");
    await writeTokenBin(bin, Uint16Array.from([15496, 995, 20139, 11, 50256]));
    const out = join(root, "bin-run");
    const { code, stderr } = await runCli(["prune", "-m", model, "--corpus", bin, "--method", "naive", "--steps", "2", "--backend", "cpu", "--quiet", "-o", out]);
    expect(code).toBe(1);
    expect(stderr).toBe(`adaptive-sparse: corpus "${bin}": token 0 is id 15496, but the model has only 257 embeddings; the file was tokenized with another vocabulary than the model's (byte, 257 ids): tokenize the text with the model's tokenizer, or pass the text corpus instead\n`);
    expect(existsSync(join(out, "metrics.jsonl"))).toBe(false);
  });

  it("a dataset and a backend registered by the user are found by name", async () => {
    const registry = createCliRegistry();
    registry.register("dataset", "my-notes", {
      name: "my-notes", apiVersion: 1, description: "the user's notes", options: (await import("zod")).z.strictObject({}), format: "text",
      load: async () => ({ name: "my-notes", documents: paragraphs }),
    });
    registry.register("backend", "my-cpu", { ...cpuBackendPlugin, name: "my-cpu" });
    const { main } = await import("../../src/main.js");
    let stdout = "";
    const log = console.log;
    console.log = (text: string) => void (stdout += text);
    try {
      expect(await main(["node", "adaptive-sparse", "eval", "-m", model, "--corpus", "my-notes", "--backend", "my-cpu", "--json"], { registry })).toBe(0);
    } finally {
      console.log = log;
    }
    expect(JSON.parse(stdout)["perplexity.my-notes"]).toBeGreaterThan(1);
    const unknown = await runCli(["eval", "-m", model, "--corpus", "my-notes", "--backend", "cpu"]);
    expect(unknown.stderr).toContain('corpus "my-notes" is neither a registered corpus (moby-dick, sotu, spam-assassin-ham)');
  });
});
