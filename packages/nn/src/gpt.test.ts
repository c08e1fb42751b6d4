import { ConfigError, DTypeError, Generator, ShapeError, keep, memory, tensor, tidy, type Tensor } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { GPT } from "./gpt.js";

const tiny = { nLayer: 2, nHead: 2, nEmbd: 8, blockSize: 6, vocabSize: 11 };

function blockNames(i: number): string[] {
  const p = `transformer.h.${i}`;
  return [
    `${p}.ln_1.weight`, `${p}.ln_1.bias`, `${p}.attn.c_attn.weight`, `${p}.attn.c_attn.bias`, `${p}.attn.c_proj.weight`, `${p}.attn.c_proj.bias`,
    `${p}.ln_2.weight`, `${p}.ln_2.bias`, `${p}.mlp.c_fc.weight`, `${p}.mlp.c_fc.bias`, `${p}.mlp.c_proj.weight`, `${p}.mlp.c_proj.bias`,
  ];
}

function std(values: ArrayLike<number>): number {
  return Math.sqrt(Array.from(values).reduce((s, v) => s + v * v, 0) / values.length);
}

describe("GPT", () => {
  it("uses nanoGPT's parameter names, with the LM head tied to wte", () => {
    const gpt = new GPT(tiny);
    const names = gpt.namedParameters().map(([n]) => n);
    expect(names).toEqual([
      "transformer.wte.weight", "transformer.wpe.weight", ...blockNames(0), ...blockNames(1), "transformer.ln_f.weight", "transformer.ln_f.bias",
    ]);
    expect(gpt.getParameter("transformer.h.1.attn.c_attn.weight").shape).toEqual([24, 8]);
    expect(gpt.getParameter("transformer.h.0.mlp.c_proj.weight").shape).toEqual([8, 32]);
    const noBias = new GPT({ ...tiny, bias: false }).namedParameters().map(([n]) => n);
    expect(noBias.filter((n) => n.endsWith(".bias"))).toEqual([]);
    // 12·L·C² block weights + (V + T)·C embeddings + biases and LayerNorms
    expect(gpt.numParameters()).toBe(12 * 2 * 64 + (11 + 6) * 8 + 2 * (4 * 8 + 3 * 8 + 8 + 4 * 8 + 8) + 2 * 8);
    expect(gpt.numParameters({ nonEmbedding: true })).toBe(gpt.numParameters() - 6 * 8);
  });

  it("initialises like nanoGPT from a seeded generator", () => {
    const config = { nLayer: 2, nHead: 2, nEmbd: 32, blockSize: 16, vocabSize: 64 };
    const gpt = new GPT(config, { generator: new Generator(5) });
    const again = new GPT(config, { generator: new Generator(5) });
    expect([...gpt.getParameter("transformer.h.1.mlp.c_fc.weight").dataSync()]).toEqual([...again.getParameter("transformer.h.1.mlp.c_fc.weight").dataSync()]);
    const at = (name: string) => gpt.getParameter(name).dataSync();
    expect(std(at("transformer.wte.weight"))).toBeCloseTo(0.02, 2);
    expect(std(at("transformer.h.0.attn.c_attn.weight"))).toBeCloseTo(0.02, 2);
    expect(std(at("transformer.h.0.mlp.c_fc.weight"))).toBeCloseTo(0.02, 2);
    for (const name of ["transformer.h.0.attn.c_proj.weight", "transformer.h.1.mlp.c_proj.weight"]) {
      expect(std(at(name)) / (0.02 / Math.sqrt(2 * 2))).toBeCloseTo(1, 1);
    }
    expect([...at("transformer.h.0.attn.c_attn.bias")].every((v) => v === 0)).toBe(true);
    expect([...at("transformer.ln_f.weight")].every((v) => v === 1)).toBe(true);
    expect(gpt.getParameter("transformer.wte.weight").weightDecay).toBe(true);
    expect(gpt.getParameter("transformer.h.0.ln_1.weight").weightDecay).toBe(false);
  });

  it("with init: false makes zero weights and draws nothing (for a loader that overwrites every one)", () => {
    const config = { nLayer: 2, nHead: 2, nEmbd: 32, blockSize: 16, vocabSize: 64 };
    const generator = new Generator(5);
    const gpt = new GPT(config, { generator, init: false });
    for (const [name, parameter] of gpt.namedParameters()) {
      const expected = /ln_\d|ln_f/.test(name) && name.endsWith(".weight") ? 1 : 0; // layer norms keep their ones
      expect([...parameter.dataSync()].every((v) => v === expected), name).toBe(true);
    }
    // The generator is where a fresh one starts: the same first draw as an unused Generator(5).
    expect(generator.uniform()).toBe(new Generator(5).uniform());
    expect(gpt.namedParameters().map(([name]) => name)).toEqual(new GPT(config).namedParameters().map(([name]) => name));
  });

  it("validates its config with errors naming the key", () => {
    expect(() => new GPT({ ...tiny, nHead: 3 })).toThrow(/nEmbd: nEmbd must be a multiple of nHead/);
    expect(() => new GPT({ ...tiny, nLayer: 0 })).toThrow(ConfigError);
    expect(() => new GPT({ ...tiny, dropout: 1 })).toThrow(/dropout/);
    expect(() => new GPT({ ...tiny, n_layer: 2 } as never)).toThrow(/unknown option "n_layer" \(valid options: nLayer, nHead, nEmbd/);
    expect(new GPT(tiny).config).toEqual({ ...tiny, dropout: 0, bias: true });
  });

  it("returns logits [B, T, V] and a loss that ignores targets of −1", () => {
    const gpt = new GPT(tiny);
    const idx = tensor([[1, 2, 3], [4, 5, 6]], { dtype: "i32" });
    const { shape, loss, lossWithoutRow } = tidy(() => {
      const out = gpt.forward(idx, tensor([[2, 3, 4], [5, 6, 7]], { dtype: "i32" }));
      const partial = gpt.forward(idx, tensor([[2, 3, 4], [-1, -1, -1]], { dtype: "i32" }));
      const first = gpt.forward(tensor([[1, 2, 3]], { dtype: "i32" }), tensor([[2, 3, 4]], { dtype: "i32" }));
      expect(partial.loss!.item()).toBeCloseTo(first.loss!.item(), 6);
      return { shape: [...out.logits.shape], loss: out.loss!.item(), lossWithoutRow: partial.loss!.item() };
    });
    expect(shape).toEqual([2, 3, 11]);
    expect(loss).toBeGreaterThan(Math.log(11) - 0.1); // near-uniform at init
    expect(loss).toBeLessThan(Math.log(11) + 0.1);
    expect(lossWithoutRow).not.toBe(loss);
  });

  it("rejects bad token inputs with clear errors", () => {
    const gpt = new GPT(tiny);
    expect(() => gpt.forward(tensor([[1, 2]]))).toThrow(DTypeError);
    expect(() => gpt.forward(tensor([1, 2], { dtype: "i32" }))).toThrow(/expected \[B, T\]/);
    expect(() => gpt.forward(tensor([[0, 1, 2, 3, 4, 5, 6]], { dtype: "i32" }))).toThrow(ShapeError);
    expect(() => gpt.forward(tensor([[0, 1, 2, 3, 4, 5, 6]], { dtype: "i32" }))).toThrow(/sequence length 7 exceeds blockSize 6/);
  });

  it("is causal: logits at position t do not depend on later tokens", () => {
    const gpt = new GPT(tiny, { generator: new Generator(9) });
    const [a, b] = tidy(() => [
      [...gpt.forward(tensor([[1, 2, 3, 4]], { dtype: "i32" })).logits.dataSync()],
      [...gpt.forward(tensor([[1, 2, 9, 0]], { dtype: "i32" })).logits.dataSync()],
    ]);
    for (let i = 0; i < 2 * 11; i++) expect(b[i]).toBeCloseTo(a[i], 6);
    expect(Math.abs(b[3 * 11] - a[3 * 11])).toBeGreaterThan(1e-6);
  });

  it("applies dropout only in training mode", () => {
    const gpt = new GPT({ ...tiny, dropout: 0.2 });
    const logits = () => tidy(() => [...gpt.forward(tensor([[1, 2, 3]], { dtype: "i32" })).logits.dataSync()]);
    expect(logits()).not.toEqual(logits());
    gpt.eval();
    expect(logits()).toEqual(logits());
  });

  it("exposes block outputs through forward hooks (layerwise distillation)", () => {
    const gpt = new GPT(tiny);
    const captured: Tensor[] = [];
    const removers = [...gpt.blocks].map((block) => block.registerForwardHook((_m, _inputs, output) => void captured.push(keep(output))));
    tidy(() => gpt.forward(tensor([[1, 2, 3]], { dtype: "i32" })));
    removers.forEach((remove) => remove());
    expect(captured.map((t) => [...t.shape])).toEqual([[1, 3, 8], [1, 3, 8]]);
    captured.forEach((t) => t.dispose());
  });

  describe("generate", () => {
    const gpt = new GPT(tiny, { generator: new Generator(4) }).eval();
    const prompt = tensor([[1, 2], [3, 4]], { dtype: "i32" });

    it("appends maxNewTokens tokens per row, past blockSize, deterministically for a seed", async () => {
      (await gpt.generate(prompt, 8, { generator: new Generator(1) })).dispose(); // leaves the last length's cached positions and masks
      const before = memory().tensors;
      const out = await gpt.generate(prompt, 8, { generator: new Generator(1) });
      const again = await gpt.generate(prompt, 8, { generator: new Generator(1) });
      expect(out.shape).toEqual([2, 10]);
      expect(out.dtype).toBe("i32");
      expect(out.arraySync()).toEqual(again.arraySync());
      const rows = out.arraySync() as number[][];
      expect(rows.map((r) => r.slice(0, 2))).toEqual([[1, 2], [3, 4]]);
      expect(rows.flat().every((t) => Number.isInteger(t) && t >= 0 && t < 11)).toBe(true);
      out.dispose();
      again.dispose();
      expect(memory().tensors).toBe(before);
    });

    it("with topK 1 or temperature 0 picks the argmax of the last position", async () => {
      const greedy = (await gpt.generate(prompt, 3, { temperature: 0 })).arraySync();
      const top1 = (await gpt.generate(prompt, 3, { topK: 1, generator: new Generator(7) })).arraySync();
      expect(top1).toEqual(greedy);
      const first = tidy(() => gpt.forward(prompt).logits.arraySync()) as number[][][];
      const argmax = (row: number[]) => row.indexOf(Math.max(...row));
      expect((greedy as number[][]).map((r) => r[2])).toEqual(first.map((rows) => argmax(rows[1])));
    });

    it("validates its options", async () => {
      await expect(gpt.generate(prompt, -1)).rejects.toThrow(/maxNewTokens/);
      await expect(gpt.generate(prompt, 1, { temperature: -1 })).rejects.toThrow(/temperature/);
      await expect(gpt.generate(prompt, 1, { topK: 0 })).rejects.toThrow(/topK/);
    });
  });
});
