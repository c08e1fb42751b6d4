import { Generator, memory, noGrad, tensor, tidy } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { prunableLayers } from "./causal-lm.js";
import { Llama } from "./llama/llama.js";
import { sparsify } from "./sparsify.js";

const config = { vocabSize: 40, blockSize: 16, nLayer: 2, nEmbd: 32, nHead: 4, nKvHead: 2, intermediateSize: 48 };
const idx = () => tensor([[3, 1, 4, 1, 5, 9, 2, 6], [2, 7, 1, 8, 2, 8, 1, 8]], { dtype: "i32" });

describe("Llama", () => {
  it("grouped-query attention equals multi-head attention with each key/value head repeated (HF repeat_kv)", () => {
    const gqa = new Llama(config, { generator: new Generator(5) });
    const mha = new Llama({ ...config, nKvHead: 4 });
    const hd = 8;
    const state = new Map(gqa.stateDict());
    for (const [name, value] of gqa.stateDict()) {
      if (!/[kv]_proj\.weight$/.test(name)) continue;
      const rows = value.dataSync();
      const repeated = new Float32Array(4 * hd * 32);
      for (let h = 0; h < 4; h++) repeated.set(rows.subarray(Math.floor(h / 2) * hd * 32, (Math.floor(h / 2) + 1) * hd * 32), h * hd * 32);
      state.set(name, tensor(repeated, { shape: [4 * hd, 32] }));
    }
    mha.loadStateDict(state, { strict: true });
    const input = idx();
    const [a, b] = noGrad(() => [gqa.forward(input).logits.dataSync(), mha.forward(input).logits.dataSync()]);
    expect(a.length).toBe(2 * 8 * 40);
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 5));
    gqa.dispose();
    mha.dispose();
  });

  it("prunes q/k/v/o and gate/up/down of every layer; embeddings, norms and the head stay dense", () => {
    const llama = new Llama(config);
    const names = prunableLayers(llama).map(([name]) => name);
    expect(names).toHaveLength(14);
    expect(names.slice(0, 7)).toEqual(["q_proj", "k_proj", "v_proj", "o_proj"].map((p) => `model.layers.0.self_attn.${p}`).concat(["gate_proj", "up_proj", "down_proj"].map((p) => `model.layers.0.mlp.${p}`)));
    expect(llama.isPrunable("lm_head")).toBe(false);
    expect(llama.isPrunable("model.embed_tokens")).toBe(false);
    expect(sparsify(llama).map((entry) => entry.name)).toEqual(names);
    llama.dispose();
  });

  it("names parameters as Hugging Face does; a tied head adds no tensor", () => {
    const untied = new Llama({ ...config, qkvBias: true });
    const tied = new Llama({ ...config, tieWordEmbeddings: true });
    const names = [...untied.stateDict().keys()];
    expect(names).toContain("model.layers.1.self_attn.k_proj.bias");
    expect(names).not.toContain("model.layers.1.self_attn.o_proj.bias");
    expect(names.at(-1)).toBe("lm_head.weight");
    expect(untied.getParameter("model.layers.0.self_attn.k_proj.weight").shape).toEqual([16, 32]);
    expect(tied.numParameters()).toBe(untied.numParameters() - 40 * 32 - 2 * (32 + 16 + 16)); // lm_head, then the q/k/v biases of 2 layers
    expect([...tied.stateDict().keys()]).not.toContain("lm_head.weight");
    untied.dispose();
    tied.dispose();
  });

  it("init: false makes zero weights (norms stay ones) without drawing, for loaders", () => {
    const llama = new Llama({ ...config, qkvBias: true }, { init: false });
    for (const [name, p] of llama.namedParameters()) {
      const expected = name.endsWith("norm.weight") ? 1 : 0;
      expect(p.dataSync().every((v) => v === expected), name).toBe(true);
    }
    llama.dispose();
  });

  it("rejects bad configs and inputs with messages that say what to fix", () => {
    expect(() => new Llama({ ...config, nKvHead: 3 })).toThrow(/nKvHead: nHead must be a multiple of nKvHead/);
    expect(() => new Llama({ ...config, nEmbd: 30 })).toThrow(/nEmbd must be a multiple of nHead/);
    const llama = new Llama(config);
    expect(() => llama.forward(tensor([[1, 2]]))).toThrow(/Llama.forward: idx has dtype f32, expected i32/);
    expect(() => llama.forward(tensor([new Array(17).fill(1)], { dtype: "i32" }))).toThrow(/sequence length 17 exceeds blockSize 16/);
    llama.dispose();
  });

  it("trains (loss falls), generates, and frees everything including the rotary tables", async () => {
    const before = memory().tensors;
    const llama = new Llama(config, { generator: new Generator(1) });
    const input = idx();
    const targets = tensor([[1, 4, 1, 5, 9, 2, 6, 5], [7, 1, 8, 2, 8, 1, 8, 2]], { dtype: "i32" });
    const losses: number[] = [];
    for (let step = 0; step < 15; step++) {
      losses.push(tidy(() => {
        const { loss } = llama.forward(input, targets);
        loss!.backward();
        return loss!.item();
      }));
      noGrad(() => tidy(() => llama.parameters().forEach((p) => (p.assign(p.sub(p.grad!.mul(0.5))), p.zeroGrad()))));
    }
    expect(losses[14]).toBeLessThan(0.5 * losses[0]!);
    const prompt = tensor([[1, 2]], { dtype: "i32" });
    const out = await llama.generate(prompt, 3, { temperature: 0 });
    expect(out.shape).toEqual([1, 5]);
    for (const t of [out, prompt, input, targets]) t.dispose();
    llama.dispose();
    expect(memory().tensors).toBe(before);
  });
});
