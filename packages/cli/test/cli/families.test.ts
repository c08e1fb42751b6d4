import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Generator, tensor, tidy } from "@adaptive-sparse/core";
import { createByteTokenizer } from "@adaptive-sparse/data";
import { Llama, OPT, type CausalLM } from "@adaptive-sparse/nn";
import { afterAll, describe, expect, it } from "vitest";
import { prune } from "../../src/commands/prune.js";
import { loadModelFolder, saveModelFolder } from "../../src/model-folder.js";
import { FAST, makeFixture, runCli } from "./helpers.js";

// Tiny random LLaMA (GQA, untied head) and OPT (post-LN with word_embed_proj_dim projections) folders in
// Hugging Face layout, byte tokenizer (257 ids), through prune → eval --nm 2:4 → generate --sparse24 → export.
const families: [string, () => CausalLM, number][] = [
  ["llama", () => new Llama({ vocabSize: 257, blockSize: 16, nLayer: 2, nEmbd: 32, nHead: 4, nKvHead: 2, intermediateSize: 64 }, { generator: new Generator(3) }), 14],
  ["opt", () => new OPT({ vocabSize: 257, blockSize: 16, nLayer: 2, nEmbd: 32, nHead: 4, ffnDim: 64, wordEmbedProjDim: 16, doLayerNormBefore: false }, { generator: new Generator(3) }), 12],
];

describe.each(families)("adaptive-sparse prune → eval → export on a tiny %s folder", async (family, create, sparseLayers) => {
  const { root, corpus } = await makeFixture();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const model = join(root, family);
  mkdirSync(model);
  await saveModelFolder(model, { model: create(), tokenizer: createByteTokenizer() });
  const out = join(root, `run-${family}`);
  const set = FAST.filter((_, i) => i % 2 === 1);
  const result = await prune({ model, method: "ast", corpus, steps: 6, out, set: [...set, "trainer.distill={}"], backend: "cpu", progress: "quiet" });

  it("prunes with AST; the exported folder reloads as the same family with identical logits", async () => {
    expect(result.status).toBe("completed");
    expect(result.model.modelType).toBe(family);
    const reloaded = await loadModelFolder(join(out, "model"));
    expect(reloaded.model.modelType).toBe(family);
    const idx = tensor(Array.from({ length: 32 }, (_, i) => (i * 37) % 257), { shape: [2, 16], dtype: "i32" });
    const before = tidy(() => result.model.forward(idx.toSync(result.model.backend!)).logits.dataSync());
    const after = tidy(() => reloaded.model.forward(idx).logits.dataSync());
    expect(Array.from(after)).toEqual(Array.from(before));
  });

  it("eval --nm 2:4 finds every prunable layer 2:4 sparse", async () => {
    const { code, stdout } = await runCli(["eval", "-m", join(out, "model"), "--corpus", corpus, "--nm", "2:4", "--backend", "cpu", "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.nm.valid).toBe(true);
    expect(report.nm.layers).toHaveLength(sparseLayers);
    expect(Number.isFinite(report["perplexity.corpus"])).toBe(true);
  });

  it("generate --sparse24 runs every prunable layer on the wasm backend's compressed kernel and writes the same greedy text", async () => {
    const greedy = ["generate", "-m", join(out, "model"), "-p", "The union", "-n", "10", "--temperature", "0", "--backend", "wasm"];
    const [viaKernel, viaDense] = [await runCli([...greedy, "--sparse24"]), await runCli(greedy)];
    expect([viaKernel.code, viaDense.code]).toEqual([0, 0]);
    expect(viaKernel.stderr).toBe(`generate: --sparse24: ${sparseLayers} 2:4 layers run on the wasm backend's compressed 2:4 kernel\n`);
    expect(viaKernel.stdout).toBe(viaDense.stdout);
    expect(viaKernel.stdout.length).toBeGreaterThan("The union".length);
  });

  it("export --format compressed24 writes the 2:4 file", async () => {
    const file = join(root, `${family}-24.safetensors`);
    const { code } = await runCli(["export", "-m", join(out, "model"), "--format", "compressed24", "-o", file, "--backend", "cpu"]);
    expect(code).toBe(0);
    expect(existsSync(file)).toBe(true);
  });
});

describe("a LLaMA folder whose tokenizer does not fit the model", () => {
  it("is refused, naming both sizes", async () => {
    const root = mkdtempSync(join(tmpdir(), "cli-families-"));
    try {
      const folder = join(root, "llama");
      cpSync(join(import.meta.dirname, "../../../io/fixtures/families/llama-gqa-untied"), folder, { recursive: true });
      await saveModelFolder(join(root, "tmp"), { model: new Llama({ vocabSize: 257, blockSize: 8, nLayer: 1, nEmbd: 8, nHead: 2, intermediateSize: 16 }), tokenizer: createByteTokenizer() });
      cpSync(join(root, "tmp", "tokenizer.json"), join(folder, "tokenizer.json"));
      await expect(loadModelFolder(folder)).rejects.toThrow(/the tokenizer has 257 ids but the model only 96 embeddings/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
