import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromHost, groupTopK, tensor, tidy } from "@adaptive-sparse/core";
import { sparsify } from "@adaptive-sparse/nn";
import { AdamW } from "@adaptive-sparse/optim";
import { describe, expect, it } from "vitest";
import { loadGpt2, saveGpt2 } from "./gpt2-model.js";
import { readSafetensors } from "./safetensors-read.js";

const fixtures = join(import.meta.dirname, "../fixtures");

function relError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}

describe("Hugging Face GPT-2 round trip against PyTorch (fixtures/make_hf_gpt2.py)", async () => {
  const expected = await readSafetensors(join(fixtures, "hf-gpt2-expected.safetensors"));
  const get = (name: string) => expected.get(name)!;

  it("loads the HF folder and gives PyTorch's logits and loss within 1e-4", async () => {
    const model = await loadGpt2(join(fixtures, "hf-gpt2"));
    const idx = fromHost(model.parameters()[0].backend, get("idx").data as Int32Array, get("idx").shape, "i32");
    const targets = tensor(get("targets").data as Int32Array, { shape: get("targets").shape, dtype: "i32" });
    const [logits, loss] = tidy(() => {
      const out = model.forward(idx, targets);
      return [out.logits.dataSync(), out.loss!.item()];
    }) as [Float32Array, number];
    expect(relError(logits, get("logits").data as Float32Array)).toBeLessThan(1e-4);
    expect(Math.abs(loss - (get("loss").data as Float32Array)[0]) / Math.abs(loss)).toBeLessThan(1e-4);
  });

  it("one AdamW step (β 0.9/0.95, wd 0.1 on ≥2-D) matches torch.optim.AdamW within 1e-5", async () => {
    const model = await loadGpt2(join(fixtures, "hf-gpt2"));
    const idx = tensor(get("idx").data as Int32Array, { shape: get("idx").shape, dtype: "i32" });
    const targets = tensor(get("targets").data as Int32Array, { shape: get("targets").shape, dtype: "i32" });
    const optimizer = new AdamW(model.parameters(), { lr: 1e-3, betas: [0.9, 0.95], eps: 1e-8, weightDecay: 0.1 });
    tidy(() => model.forward(idx, targets).loss!.backward());
    const gradients = new Map(model.namedParameters().map(([name, p]) => [name, Float32Array.from(p.grad!.dataSync())]));
    optimizer.step();
    // Adam's first step is lr·g/(|g| + ε): where |g| is near ε (1e-8) a 1e-10 difference in the f32 gradient
    // changes the step by percents, so those elements are compared through their gradients only.
    const transpose = (data: Float32Array, [rows, cols]: number[]) => {
      const out = new Float32Array(data.length);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
      return out;
    };
    const pairs: [string, string, boolean][] = [
      ["wte.weight", "transformer.wte.weight", false],
      ["h.1.ln_2.bias", "transformer.h.1.ln_2.bias", false],
      ["ln_f.weight", "transformer.ln_f.weight", false],
      ["h.0.attn.c_attn.weight", "transformer.h.0.attn.c_attn.weight", true],
      ["h.1.mlp.c_proj.weight", "transformer.h.1.mlp.c_proj.weight", true],
    ];
    for (const [hfName, ourName, transposed] of pairs) {
      const load = (key: string) => {
        const t = get(key);
        return transposed ? transpose(t.data as Float32Array, t.shape) : (t.data as Float32Array);
      };
      const [updated, grad] = [load(`adamw.${hfName}`), load(`grad.${hfName}`)];
      expect(relError(gradients.get(ourName)!, grad), `${ourName} gradient`).toBeLessThan(1e-4);
      const ours = model.getParameter(ourName).dataSync();
      const conditioned = [...grad.keys()].filter((i) => Math.abs(grad[i]) > 1e-6);
      expect(conditioned.length / grad.length, `${ourName}: share of well-conditioned elements`).toBeGreaterThan(0.9);
      expect(relError(conditioned.map((i) => ours[i]), conditioned.map((i) => updated[i])), `${ourName} after AdamW`).toBeLessThan(1e-5);
    }
  });

  it("saves a pruned model as HF GPT-2 with zeros in pruned places and loads it back with identical logits", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hf-gpt2-"));
    try {
      const model = await loadGpt2(join(fixtures, "hf-gpt2"));
      for (const { layer } of sparsify(model)) tidy(() => layer.setMask(groupTopK(layer.weight.abs(), 2, 4)));
      const idx = tensor(get("idx").data as Int32Array, { shape: get("idx").shape, dtype: "i32" });
      const before = tidy(() => model.forward(idx).logits.dataSync());
      await saveGpt2(model, dir);
      const reloaded = await loadGpt2(dir);
      const after = tidy(() => reloaded.forward(idx).logits.dataSync());
      expect(Array.from(after)).toEqual(Array.from(before));
      const fc = reloaded.getParameter("transformer.h.0.mlp.c_fc.weight").dataSync();
      for (let g = 0; g < fc.length; g += 4) expect([0, 1, 2, 3].filter((i) => fc[g + i] !== 0).length).toBeLessThanOrEqual(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
