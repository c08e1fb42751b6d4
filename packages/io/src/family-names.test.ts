import { mkdtempSync, rmSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCpuBackend, noGrad, tidy } from "@adaptive-sparse/core";
import type { CausalLM } from "@adaptive-sparse/nn";
import { afterEach, describe, expect, it } from "vitest";
import { checkpointFiles } from "./checkpoint-files.js";
import { familyExpected, relError } from "./family-fixtures.js";
import { readConfigJson } from "./hf-config.js";
import { loadModel } from "./load-model.js";
import { MODEL_FAMILIES } from "./model-families.js";
import type { LoadedTensor } from "./safetensors-dtypes.js";
import { readSafetensors } from "./safetensors-read.js";
import { writeSafetensors } from "./safetensors-write.js";

const temporary: string[] = [];
afterEach(() => temporary.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function logitsError(model: CausalLM, name: string): number {
  const expected = familyExpected(name, model.parameters()[0]!.backend);
  const idx = expected.load("idx");
  const error = relError(tidy(() => noGrad(() => model.forward(idx).logits.dataSync())), expected.values("logits"));
  idx.dispose();
  return error;
}

/** A copy of a fixture whose tensors are renamed (and extra ones added) as other checkpoints name them. */
async function renamed(name: string, rename: (tensor: string) => string, extra: (tensors: Map<string, LoadedTensor>) => Record<string, LoadedTensor> = () => ({})): Promise<string> {
  const source = familyExpected(name, createCpuBackend()).folder;
  const dir = mkdtempSync(join(tmpdir(), `family-names-${name}-`));
  temporary.push(dir);
  const tensors = await readSafetensors(join(source, "model.safetensors"), { toFloat32: true });
  const out = Object.fromEntries([...tensors].map(([n, t]) => [rename(n), { dtype: "F32" as const, shape: t.shape, data: t.data }]));
  for (const [n, t] of Object.entries(extra(tensors))) out[n] = { dtype: "F32", shape: t.shape, data: t.data };
  await writeSafetensors(join(dir, "model.safetensors"), out);
  copyFileSync(join(source, "config.json"), join(dir, "config.json"));
  return dir;
}

describe("Hugging Face tensor names of the LLaMA and OPT families", () => {
  it("reads facebook/opt-* checkpoints, whose body is named decoder.* (OPTModel), and a stored tied lm_head", async () => {
    const opt = await renamed("opt-post-ln-proj", (n) => n.replace(/^model\./, ""), (tensors) => ({ "lm_head.weight": tensors.get("model.decoder.embed_tokens.weight")! }));
    const model = await loadModel(opt);
    expect(logitsError(model, "opt-post-ln-proj")).toBeLessThan(1e-4);
  });

  it("reads LlamaModel checkpoints without the model. prefix and skips old rotary inv_freq buffers", async () => {
    const llama = await renamed("llama-gqa-untied", (n) => n.replace(/^model\./, ""), () => ({
      "model.layers.0.self_attn.rotary_emb.inv_freq": { dtype: "F32", shape: [4], data: new Float32Array(4) },
    }));
    const model = await loadModel(llama);
    expect(logitsError(model, "llama-gqa-untied")).toBeLessThan(1e-4);
  });

  it("each family's hfLayout is the checkpoint transformers saved: every tensor's name and shape, stored from the parameter of that name", async () => {
    for (const name of ["qwen2-qkv-bias", "llama-gqa-untied", "opt-pre-ln"]) {
      const { folder } = familyExpected(name, createCpuBackend());
      const { raw } = await readConfigJson(folder);
      const family = MODEL_FAMILIES.get(raw.model_type as string)!;
      const layout = family.hfLayout(family.parseConfig(raw, name));
      const saved = [...(await checkpointFiles(folder, name))[0]!.tensors].map(([tensor, entry]) => `${tensor} [${entry.shape.join(", ")}]`);
      expect(layout.map((tensor) => `${tensor.name} [${tensor.shape.join(", ")}]`).sort(), name).toEqual(saved.sort());
      expect(layout.every((tensor) => tensor.source === tensor.name && !tensor.transposed)).toBe(true);
    }
  });
});
