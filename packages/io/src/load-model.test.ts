import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, createCpuBackend, Generator, groupTopK, noGrad, tensor, tidy, type Backend } from "@adaptive-sparse/core";
import { GPT, sparsify } from "@adaptive-sparse/nn";
import { describe, expect, it } from "vitest";
import { loadGpt2 } from "./gpt2-model.js";
import { createModel, loadModel, saveModel } from "./load-model.js";
import { MODEL_FAMILIES } from "./model-families.js";
import { readSafetensors } from "./safetensors-read.js";
import { writeSafetensors } from "./safetensors-write.js";

const fixtures = join(import.meta.dirname, "../fixtures");
const folder = join(fixtures, "hf-gpt2");

// A backend that reads asynchronously only, as webgpu does (the cpu backend without readSync).
function asyncOnly(): Backend {
  const inner = createCpuBackend();
  return Object.assign(Object.create(Object.getPrototypeOf(inner) as object) as Backend, inner, { name: "async-cpu", readSync: undefined });
}

async function logitsOf(model: { forward(idx: ReturnType<typeof tensor>): { logits: ReturnType<typeof tensor> } }, backend: Backend): Promise<number[]> {
  const idx = tensor([[1, 5, 9, 2], [7, 3, 0, 4]], { dtype: "i32", backend });
  const logits = noGrad(() => model.forward(idx).logits);
  const values = Array.from(await logits.data());
  logits.dispose();
  idx.dispose();
  return values;
}

/** Runs `body` in a fresh temporary folder, removed afterwards. */
async function inTempDir(prefix: string, body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("model-family table and loadModel", () => {
  it("has the gpt2 row, and loadModel returns its CausalLM on the backend asked for", async () => {
    expect([...MODEL_FAMILIES.keys()]).toEqual(["gpt2", "llama", "mistral", "qwen2", "opt"]);
    const backend = createCpuBackend();
    const model = await loadModel(folder, { backend });
    expect(model).toBeInstanceOf(GPT);
    expect(model.modelType).toBe("gpt2");
    expect(model.parameters().every((p) => p.backend === backend)).toBe(true);
    const reference = await loadGpt2(folder);
    expect(await logitsOf(model, backend)).toEqual(await logitsOf(reference, reference.parameters()[0].backend));
  });

  it("saves and reloads on a backend that only reads asynchronously (as webgpu), pruned places as zeros", async () => {
    const backend = asyncOnly();
    const dir = mkdtempSync(join(tmpdir(), "load-model-"));
    try {
      const model = await loadGpt2(folder, { backend });
      for (const { layer } of sparsify(model)) tidy(() => layer.setMask(groupTopK(layer.weight.abs(), 2, 4)));
      const before = await logitsOf(model, backend);
      await saveModel(model, dir);
      const reloaded = await loadModel(dir, { backend });
      expect(await logitsOf(reloaded, backend)).toEqual(before);
      const fc = await reloaded.getParameter("transformer.h.0.mlp.c_fc.weight").data();
      let kept = 0;
      for (let g = 0; g < fc.length; g += 4) kept = Math.max(kept, [0, 1, 2, 3].filter((i) => fc[g + i] !== 0).length);
      expect(kept).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an unsupported model_type lists the supported families", async () => {
    const dir = mkdtempSync(join(tmpdir(), "load-model-"));
    try {
      cpSync(folder, dir, { recursive: true });
      const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as Record<string, unknown>;
      writeFileSync(join(dir, "config.json"), JSON.stringify({ ...config, model_type: "falcon" }));
      const load = loadModel(dir);
      await expect(load).rejects.toThrow(ConfigError);
      await expect(loadModel(dir)).rejects.toThrow(/loadModel: .*config\.json: model_type "falcon" is not supported; supported model_type values: "gpt2" \(GPT2LMHeadModel, GPT2Model\), "llama" \(LlamaForCausalLM, LlamaModel\), "mistral" .*"qwen2" .*"opt" \(OPTForCausalLM, OPTModel\)/);
      writeFileSync(join(dir, "config.json"), "[1, 2]");
      await expect(loadModel(dir)).rejects.toThrow(/loadModel: .*config\.json holds \[1,2\], not a JSON object/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads a GPT-2 checkpoint split into shards by model.safetensors.index.json (the same logits as one file)", () =>
    inTempDir("load-model-shards-", async (dir) => {
      cpSync(join(folder, "config.json"), join(dir, "config.json"));
      const whole = await readSafetensors(join(folder, "model.safetensors"));
      const names = [...whole.keys()];
      const halves = [names.slice(0, names.length >> 1), names.slice(names.length >> 1)];
      const weightMap: Record<string, string> = {};
      for (const [i, half] of halves.entries()) {
        const file = `model-0000${i + 1}-of-00002.safetensors`;
        await writeSafetensors(join(dir, file), new Map(half.map((name) => [name, whole.get(name)!])));
        for (const name of half) weightMap[name] = file;
      }
      writeFileSync(join(dir, "model.safetensors.index.json"), JSON.stringify({ metadata: {}, weight_map: weightMap }));
      const backend = createCpuBackend();
      const sharded = await loadModel(dir, { backend });
      const single = await loadModel(folder, { backend });
      expect(await logitsOf(sharded, backend)).toEqual(await logitsOf(single, backend));
    }));

  it("a GPT-2 folder with only pytorch_model.bin is told to save safetensors", () =>
    inTempDir("load-model-bin-", async (dir) => {
      cpSync(join(folder, "config.json"), join(dir, "config.json"));
      writeFileSync(join(dir, "pytorch_model.bin"), "not read");
      await expect(loadModel(dir)).rejects.toThrow(/no model.safetensors or model.safetensors.index.json in .*pytorch_model.bin is not read: save the model with safetensors/);
    }));

  it("saveModel refuses a model whose family is not in the table, naming its modelType", async () => {
    const model = await loadGpt2(folder);
    Object.defineProperty(model, "modelType", { value: "toy" });
    await expect(saveModel(model, join(tmpdir(), "never-written"))).rejects.toThrow(/saveModel: .*never-written: model_type "toy" is not supported; supported model_type values: "gpt2"/);
  });
});

describe("createModel", () => {
  it("builds the family's model with seeded weights on the backend asked for; an unknown family is named", async () => {
    const backend = createCpuBackend();
    const config = { nLayer: 1, nHead: 2, nEmbd: 8, blockSize: 4, vocabSize: 10, dropout: 0, bias: true };
    const model = createModel("gpt2", config, { backend, generator: new Generator(2) });
    expect(model).toBeInstanceOf(GPT);
    expect(model.parameters().every((p) => p.backend === backend)).toBe(true);
    const same = new GPT(config, { generator: new Generator(2) });
    expect(Array.from(await model.getParameter("transformer.wte.weight").data())).toEqual(Array.from(same.getParameter("transformer.wte.weight").dataSync()));
    expect(() => createModel("bert", config)).toThrow(/createModel: model_type "bert" is not supported; supported model_type values: "gpt2"/);
  });
});
