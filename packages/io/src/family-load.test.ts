import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ShapeError, createCpuBackend, groupTopK, noGrad, tidy, type Backend } from "@adaptive-sparse/core";
import { Llama, OPT, sparsify, type CausalLM } from "@adaptive-sparse/nn";
import { afterEach, describe, expect, it } from "vitest";
import { FileMissingError, StateDictError } from "./errors.js";
import { familyExpected, relError } from "./family-fixtures.js";
import { llamaConfigFromHf } from "./hf-llama-config.js";
import { llamaShapes } from "./family-shapes.js";
import { llamaNames } from "./family-names.js";
import { loadModel, saveModel } from "./load-model.js";
import { readSafetensorsHeader } from "./safetensors-header.js";
import { checkWeights } from "./stream-weights.js";

const temporary: string[] = [];
afterEach(() => temporary.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A writable copy of a fixture case. */
function copyOf(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `family-${name}-`));
  temporary.push(dir);
  cpSync(familyExpected(name, createCpuBackend()).folder, dir, { recursive: true });
  return dir;
}

function editConfig(folder: string, change: Record<string, unknown>): void {
  const path = join(folder, "config.json");
  writeFileSync(path, JSON.stringify({ ...(JSON.parse(readFileSync(path, "utf8")) as object), ...change }));
}

async function logitsOf(model: CausalLM, backend: Backend): Promise<Float32Array> {
  const { load } = familyExpected(model.modelType === "opt" ? "opt-pre-ln" : "llama-gqa-untied", backend);
  const idx = load("idx");
  const logits = noGrad(() => model.forward(idx).logits);
  const values = Float32Array.from(await logits.data());
  logits.dispose();
  idx.dispose();
  return values;
}

describe("loading LLaMA and OPT folders", () => {
  it("streams a sharded BF16 checkpoint in chunks, into the parameters' own buffers on the cpu backend (else one f32 copy at a time)", async () => {
    const { folder } = familyExpected("llama-sharded-bf16", createCpuBackend());
    const config = llamaConfigFromHf(JSON.parse(readFileSync(join(folder, "config.json"), "utf8")) as Record<string, unknown>, "test");
    for (const inPlace of [true, false]) {
      const weights = await checkWeights(folder, llamaShapes(config), llamaNames(false), "test", { chunkBytes: 1000, inPlace });
      const model = new Llama(config, { backend: createCpuBackend(), init: false });
      const report = await weights.loadInto(model);
      expect(report.tensors).toBe(model.parameters().length);
      expect(report.storedDTypes).toEqual({ BF16: model.parameters().length });
      expect(report.storedBytes).toBe(2 * model.numParameters());
      // A 500-value BF16 read chunk; without in-place reads, also the largest tensor (embed_tokens, lm_head: 96 x 32) as f32.
      expect(report.peakHostBytes).toBe(inPlace ? 1000 : 96 * 32 * 4 + 1000);
      const expected = familyExpected("llama-sharded-bf16", model.parameters()[0]!.backend);
      const idx = expected.load("idx");
      expect(relError(tidy(() => noGrad(() => model.forward(idx).logits.dataSync())), expected.values("logits"))).toBeLessThan(1e-4);
      idx.dispose();
      model.dispose();
    }
  });

  it("names a shard the index lists but the folder lacks", async () => {
    const dir = copyOf("llama-sharded-bf16");
    unlinkSync(join(dir, "model-00002-of-00002.safetensors"));
    const load = loadModel(dir);
    await expect(load).rejects.toThrow(FileMissingError);
    await expect(loadModel(dir)).rejects.toThrow(/shard "model-00002-of-00002.safetensors" named in model.safetensors.index.json is missing from .*; download it again/);
  });

  it("names a tensor the index places in a shard that lacks it", async () => {
    const dir = copyOf("llama-sharded-bf16");
    const path = join(dir, "model.safetensors.index.json");
    const index = JSON.parse(readFileSync(path, "utf8")) as { weight_map: Record<string, string> };
    index.weight_map["model.norm.weight"] = "model-00001-of-00002.safetensors";
    writeFileSync(path, JSON.stringify(index));
    await expect(loadModel(dir)).rejects.toThrow(/places "model.norm.weight" in model-00001-of-00002.safetensors, which does not hold it/);
  });

  it("refuses weights whose shapes differ from config.json, naming each tensor and both shapes, before reading data", async () => {
    const dir = copyOf("llama-gqa-untied");
    editConfig(dir, { num_key_value_heads: 4 });
    const load = loadModel(dir);
    await expect(load).rejects.toThrow(ShapeError);
    await expect(loadModel(dir)).rejects.toThrow(/"model.layers.0.self_attn.k_proj.weight" is \[16, 32\] in the checkpoint, the config needs \[32, 32\]/);
  });

  it("lists missing and unexpected tensors with what to check", async () => {
    const dir = copyOf("opt-pre-ln");
    editConfig(dir, { num_hidden_layers: 3 });
    await expect(loadModel(dir)).rejects.toThrow(StateDictError);
    await expect(loadModel(dir)).rejects.toThrow(/missing tensors model.decoder.layers.2.self_attn.k_proj.weight, .* do num_hidden_layers, word_embed_proj_dim and do_layer_norm_before in config.json match it/);
    editConfig(dir, { num_hidden_layers: 1 });
    await expect(loadModel(dir)).rejects.toThrow(/unexpected tensors model.decoder.layers.1.self_attn.k_proj.weight/);
    const llama = copyOf("llama-gqa-untied");
    rmSync(join(llama, "model.safetensors"));
    await expect(loadModel(llama)).rejects.toThrow(/no model.safetensors or model.safetensors.index.json in .*pytorch_model.bin is not read/);
  });

  for (const name of ["llama-gqa-untied", "qwen2-qkv-bias", "opt-post-ln-proj"] as const) {
    it(`${name}: 2:4-pruned model exports (dense with zeros, F32 and F16) and reloads with identical logits`, async () => {
      const backend = createCpuBackend();
      const model = await loadModel(familyExpected(name, backend).folder, { backend });
      const layers = sparsify(model);
      expect(layers).toHaveLength(model.modelType === "opt" ? 12 : 14);
      for (const { layer } of layers) tidy(() => layer.setMask(groupTopK(layer.weight.abs(), 2, 4)));
      const before = await logitsOf(model, backend);
      const dir = mkdtempSync(join(tmpdir(), "family-export-"));
      temporary.push(dir);
      await saveModel(model, dir);
      const reloaded = await loadModel(dir, { backend });
      expect(reloaded).toBeInstanceOf(model.modelType === "opt" ? OPT : Llama);
      expect(reloaded.config).toEqual(model.config);
      expect(await logitsOf(reloaded, backend)).toEqual(before);
      const weight = await reloaded.getParameter(layers[0]!.name + ".weight").data();
      for (let g = 0; g < weight.length; g += 4) expect([0, 1, 2, 3].filter((i) => weight[g + i] !== 0).length).toBeLessThanOrEqual(2);
      const torchDtype = () => JSON.parse(readFileSync(join(dir, "config.json"), "utf8")).torch_dtype;
      expect(torchDtype()).toBe("float32");
      // Half-size exports: config.json's torch_dtype says what is stored (from_pretrained(torch_dtype="auto") reads it).
      for (const [dtype, torch, tolerance] of [["F16", "float16", 2e-2], ["BF16", "bfloat16", 6e-2]] as const) {
        await saveModel(model, dir, { dtype });
        expect(torchDtype()).toBe(torch);
        const stored = (await readSafetensorsHeader(join(dir, "model.safetensors"))).tensors;
        expect(new Set([...stored.values()].map((t) => t.dtype))).toEqual(new Set([dtype]));
        const half = await loadModel(dir, { backend });
        const halfLogits = await logitsOf(half, backend);
        expect(halfLogits.every((v, i) => Math.abs(v - before[i]!) < tolerance * Math.max(1, Math.abs(before[i]!)))).toBe(true);
        half.dispose();
      }
      for (const m of [model, reloaded]) m.dispose();
    });
  }
});
