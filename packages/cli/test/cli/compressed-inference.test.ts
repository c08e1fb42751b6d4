import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createWasmBackend, type WasmBackend } from "@adaptive-sparse/backend-wasm";
import { Generator, createCpuBackend, noGrad, tensor, tidy } from "@adaptive-sparse/core";
import { createByteTokenizer } from "@adaptive-sparse/data";
import { GPT, Llama, OPT, SparseLinear, sparseLayers, sparsify } from "@adaptive-sparse/nn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTwoFour, useCompressed24 } from "../../src/compressed-inference.js";
import { loadModelFolder, saveModelFolder } from "../../src/model-folder.js";
import { runCli } from "./helpers.js";

const CONFIG = { nLayer: 2, nHead: 2, nEmbd: 32, blockSize: 16, vocabSize: 257 };

/** A 2:4 mask [rows, cols] whose kept pair moves with the row and the group (all 6 pairs appear). */
function mask24(rows: number, cols: number): Uint8Array {
  const pairs = [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]];
  const mask = new Uint8Array(rows * cols);
  for (let g = 0; g < (rows * cols) / 4; g++) for (const p of pairs[(g + Math.floor((g * 4) / cols)) % 6]!) mask[g * 4 + p] = 1;
  return mask;
}

/** Saves a GPT whose prunable layers are pruned 2:4 (dense weights with zeros, as `prune` writes them). */
async function prunedFolder(root: string, backend: WasmBackend): Promise<string> {
  const gpt = new GPT(CONFIG, { generator: new Generator(5), backend });
  for (const { layer } of sparsify(gpt, { mask: (_name, weight) => tensor(mask24(weight.shape[0]!, weight.shape[1]!), { shape: [...weight.shape], dtype: "u8", backend }) })) layer.applyMask();
  const folder = join(root, "pruned");
  mkdirSync(folder);
  await saveModelFolder(folder, { model: gpt, tokenizer: createByteTokenizer() });
  gpt.dispose();
  return folder;
}

describe("isTwoFour", () => {
  it("takes rows that keep at most 2 of every 4 and refuses a third non-zero or a width not a multiple of 4", () => {
    expect(isTwoFour(Float32Array.of(0, 5, 0, 7, 1, 0, 0, 0), 8)).toBe(true);
    expect(isTwoFour(Float32Array.of(0, 5, 0, 7, 1, 2, 3, 0), 8)).toBe(false); // the second group keeps 3
    expect(isTwoFour(Float32Array.of(1, 0, 0, 0, 0, 0), 6)).toBe(false);
  });
});

describe("useCompressed24", () => {
  let backend: WasmBackend;
  let root: string;
  let folder: string;
  beforeAll(async () => {
    backend = await createWasmBackend({ threads: 2, gemm: "wasm" });
    root = mkdtempSync(join(tmpdir(), "cli-compressed-"));
    folder = await prunedFolder(root, backend);
  });
  afterAll(() => backend.dispose());

  it("moves every 2:4 layer of a pruned folder onto the compressed kernel, and its logits stay those of the dense-with-zeros model", async () => {
    const { model } = await loadModelFolder(folder, undefined, { backend });
    model.eval();
    const idx = tensor([[1, 70, 101, 32, 9, 200, 45]], { dtype: "i32", backend });
    const logits = async () => Float32Array.from(await noGrad(() => tidy(() => model.forward(idx).logits)).data());
    const dense = await logits();
    const names = await useCompressed24(model, backend);
    expect(names).toEqual(["transformer.h.0.attn.c_attn", "transformer.h.0.attn.c_proj", "transformer.h.0.mlp.c_fc", "transformer.h.0.mlp.c_proj", "transformer.h.1.attn.c_attn", "transformer.h.1.attn.c_proj", "transformer.h.1.mlp.c_fc", "transformer.h.1.mlp.c_proj"]);
    const layers = sparseLayers(model);
    expect(layers.map(({ name }) => name)).toEqual(names);
    expect(layers.every(({ layer }) => layer instanceof SparseLinear && layer.compressed24 !== null)).toBe(true);
    const kernel = backend.kernels.SparseMatMul24!;
    let calls = 0;
    backend.kernels.SparseMatMul24 = (out, inputs, attrs) => (calls++, kernel(out, inputs, attrs));
    const sparse = await logits();
    backend.kernels.SparseMatMul24 = kernel;
    expect(calls).toBe(8); // one per layer
    // The 2:4 kernel may sum in another order than the dense product: rounding apart, the same logits.
    expect(dense.reduce((max, v, i) => Math.max(max, Math.abs(v - sparse[i]!)), 0)).toBeLessThan(1e-5);
    idx.dispose();
    model.dispose();
  });

  it("gives a model pruned in memory (SparseLinear layers with 2:4 masks) the compressed form of M ⊙ W", async () => {
    const gpt = new GPT(CONFIG, { generator: new Generator(7), backend });
    const layers = sparsify(gpt, { mask: (_name, weight) => tensor(mask24(weight.shape[0]!, weight.shape[1]!), { shape: [...weight.shape], dtype: "u8", backend }) });
    gpt.eval();
    const idx = tensor([[4, 8, 15, 16, 23, 42]], { dtype: "i32", backend });
    const logits = async () => Float32Array.from(await noGrad(() => tidy(() => gpt.forward(idx).logits)).data());
    const masked = await logits(); // the dense product of M ⊙ W (the weights themselves are not pruned)
    expect(await useCompressed24(gpt, backend)).toEqual(layers.map(({ name }) => name));
    expect(layers.every(({ layer }) => layer.compressed24 !== null && !layer.training)).toBe(true);
    const compressed = await logits();
    expect(masked.reduce((max, v, i) => Math.max(max, Math.abs(v - compressed[i]!)), 0)).toBeLessThan(1e-5);
    idx.dispose();
    gpt.dispose();
  });

  const families = [
    ["LLaMA (grouped-query attention, SwiGLU, rotary)", () => new Llama({ vocabSize: 64, blockSize: 16, nLayer: 2, nEmbd: 32, nHead: 4, nKvHead: 2, intermediateSize: 48 }, { generator: new Generator(3), backend }), 14],
    ["OPT", () => new OPT({ vocabSize: 64, blockSize: 16, nLayer: 2, nEmbd: 32, nHead: 4, ffnDim: 64 }, { generator: new Generator(3), backend }), 12],
  ] as const;
  for (const [family, make, count] of families) {
    it(`compresses a ${family} model pruned in memory: every prunable layer, the masked model's logits and greedy tokens`, async () => {
      const model = make();
      const layers = sparsify(model, { mask: (_name, weight) => tensor(mask24(weight.shape[0]!, weight.shape[1]!), { shape: [...weight.shape], dtype: "u8", backend }) });
      model.eval();
      const idx = tensor([[4, 8, 15, 16, 23, 42]], { dtype: "i32", backend });
      const logits = async () => Float32Array.from(await noGrad(() => tidy(() => model.forward(idx).logits)).data());
      const tokens = async () => {
        const out = await model.generate(idx, 6, { temperature: 0 });
        const ids = Array.from(out.dataSync());
        out.dispose();
        return ids;
      };
      const [masked, maskedTokens] = [await logits(), await tokens()];
      expect(await useCompressed24(model, backend)).toEqual(layers.map(({ name }) => name));
      expect(layers).toHaveLength(count); // q, k, v, o and the MLP's (LLaMA: gate, up, down; OPT: fc1, fc2) per layer
      expect(layers.every(({ layer }) => layer.compressed24 !== null)).toBe(true);
      const compressed = await logits();
      expect(masked.reduce((max, v, i) => Math.max(max, Math.abs(v - compressed[i]!)), 0)).toBeLessThan(1e-5);
      expect(await tokens()).toEqual(maskedTokens);
      idx.dispose();
      model.dispose();
    });
  }

  it("leaves a dense model, and any model on a backend without a SparseMatMul24 kernel, as it is", async () => {
    const dense = new GPT(CONFIG, { generator: new Generator(5), backend });
    expect(await useCompressed24(dense, backend)).toEqual([]);
    expect(sparseLayers(dense)).toEqual([]);
    dense.dispose();
    const cpu = createCpuBackend();
    const { model } = await loadModelFolder(folder, undefined, { backend: cpu });
    expect(await useCompressed24(model, cpu)).toEqual([]);
    model.dispose();
  });

  it("generate --sparse24 says how many layers run compressed and writes the dense product's greedy text; it says why none does", async () => {
    const greedy = ["generate", "-m", folder, "-p", "The union", "-n", "12", "--temperature", "0", "--backend", "wasm"];
    const viaKernel = await runCli([...greedy, "--sparse24"]);
    const viaDense = await runCli(greedy);
    expect([viaKernel.code, viaDense.code]).toEqual([0, 0]);
    expect(viaKernel.stderr).toBe("generate: --sparse24: 8 2:4 layers run on the wasm backend's compressed 2:4 kernel\n");
    expect(viaDense.stderr).toBe("");
    expect(viaKernel.stdout).toBe(viaDense.stdout);
    const onCpu = await runCli([...greedy.slice(0, -1), "cpu", "--sparse24"]);
    expect(onCpu.stderr).toBe("generate: --sparse24: the cpu backend has no compressed 2:4 kernel (the wasm and webgpu backends do: --backend wasm); running dense\n");
    expect(onCpu.stdout).toBe(viaDense.stdout);
    const dense = join(root, "dense");
    mkdirSync(dense);
    const gpt = new GPT(CONFIG, { generator: new Generator(5), backend });
    await saveModelFolder(dense, { model: gpt, tokenizer: createByteTokenizer() });
    gpt.dispose();
    const notPruned = await runCli(["generate", "-m", dense, "-n", "2", "--backend", "wasm", "--sparse24"]);
    expect(notPruned.code).toBe(0);
    expect(notPruned.stderr).toBe(`generate: --sparse24: ${dense} has no 2:4 layers (prune it to 2:4 first: adaptive-sparse prune --method ast ...); running dense\n`);
  });
});
