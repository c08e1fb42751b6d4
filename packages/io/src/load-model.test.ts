import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, createCpuBackend, Generator, groupTopK, noGrad, tensor, tidy, type Backend } from "@adaptive-sparse/core";
import { GPT, sparsify } from "@adaptive-sparse/nn";
import { describe, expect, it, vi } from "vitest";
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

  it("saveModel reads each tensor from the model when its turn to be written comes, so the host never holds the whole model", async () => {
    await inTempDir("save-streams-", async (dir) => {
      const events: string[] = [];
      const backend = createCpuBackend();
      const read = backend.read.bind(backend);
      backend.read = async (handle, dtype, size) => {
        events.push("read");
        return read(handle, dtype, size);
      };
      const model = await loadGpt2(folder, { backend });
      for (const { layer } of sparsify(model)) tidy(() => layer.setMask(groupTopK(layer.weight.abs(), 2, 4)));
      const probe = await open(join(dir, "probe"), "w");
      const handlePrototype = Object.getPrototypeOf(probe) as { write(...args: unknown[]): Promise<unknown> };
      await probe.close();
      const write = handlePrototype.write;
      const spy = vi.spyOn(handlePrototype, "write").mockImplementation(function (this: unknown, ...args: unknown[]) {
        events.push("write");
        return write.apply(this, args);
      });
      try {
        await saveModel(model, join(dir, "out"));
      } finally {
        spy.mockRestore();
      }
      // The header, then per tensor: one read (the parameter, or M ⊙ W of a sparse layer) and its bytes written
      // before the next read; config.json's writes come last.
      const runs = events.join(" ").replace(/(write ?)+/g, "W ").trim().split(" ");
      const tensors = model.namedParameters().length;
      expect(runs.slice(0, 1 + 2 * tensors)).toEqual(["W", ...Array.from({ length: tensors }, () => ["read", "W"]).flat()]);
      expect(runs.filter((event) => event === "read")).toHaveLength(tensors);
      const reloaded = await loadModel(join(dir, "out"), { backend });
      expect(await logitsOf(reloaded, backend)).toEqual(await logitsOf(model, backend));
    });
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

  it("streams a GPT-2 checkpoint with a saved lm_head (BF16, as wte), and refuses one whose head differs from wte", () =>
    inTempDir("load-model-head-", async (dir) => {
      cpSync(join(folder, "config.json"), join(dir, "config.json"));
      const whole = await readSafetensors(join(folder, "model.safetensors"));
      const wte = whole.get("wte.weight")!;
      const bf16 = new Map([...whole].map(([name, t]) => [name, { ...t, dtype: "BF16" as const }])); // the fixture's are F32 and F16
      await writeSafetensors(join(dir, "model.safetensors"), new Map([...bf16, ["lm_head.weight", { ...wte, dtype: "BF16" as const }]]));
      const backend = createCpuBackend();
      const model = await loadModel(dir, { backend });
      // Every weight rounded to bfloat16 on the way, the Conv1D ones transposed: the BF16 file read whole agrees.
      const stored = await readSafetensors(join(dir, "model.safetensors"), { toFloat32: true });
      const cAttn = stored.get("h.1.attn.c_attn.weight")!;
      const [inF, outF] = cAttn.shape as [number, number];
      const loaded = await model.getParameter("transformer.h.1.attn.c_attn.weight").data();
      expect(Array.from({ length: outF * inF }, (_, i) => loaded[i])).toEqual(Array.from({ length: outF * inF }, (_, i) => (cAttn.data as Float32Array)[(i % inF) * outF + Math.floor(i / inF)]));
      const head = (wte.data as Float32Array).slice();
      head[5] += 1;
      await writeSafetensors(join(dir, "model.safetensors"), new Map([...whole, ["lm_head.weight", { ...wte, data: head }]]));
      await expect(loadModel(dir, { backend })).rejects.toThrow(/"lm_head\.weight" differs from wte at element 5; only GPT-2 with a tied LM head is supported/);
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
