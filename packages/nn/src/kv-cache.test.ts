import { Generator, ShapeError, createCpuBackend, memory, tensor, tidy } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { GPT } from "./gpt.js";
import { Llama } from "./llama/llama.js";
import { OPT } from "./opt/opt.js";

/** The largest |a − b| over two equal-length arrays. */
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

const models = {
  GPT: () => new GPT({ nLayer: 2, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: 13 }, { generator: new Generator(5) }),
  // Grouped-query attention (4 query heads on 2 key/value heads), rotary positions, untied head.
  "Llama (grouped-query)": () => new Llama({ vocabSize: 40, blockSize: 8, nLayer: 2, nEmbd: 32, nHead: 4, nKvHead: 2, intermediateSize: 48 }, { generator: new Generator(5) }),
  // Learned positions at +2, pre-LN with the decoder's final LayerNorm.
  "OPT (pre-LN)": () => new OPT({ vocabSize: 40, blockSize: 8, nLayer: 2, nEmbd: 32, nHead: 4, ffnDim: 64 }, { generator: new Generator(5) }),
  // Post-LN, embeddings projected in and out (OPT-350m's layout).
  "OPT (post-LN, projected)": () => new OPT({ vocabSize: 40, blockSize: 8, nLayer: 2, nEmbd: 32, nHead: 4, ffnDim: 64, doLayerNormBefore: false, wordEmbedProjDim: 16 }, { generator: new Generator(5) }),
};

for (const [name, make] of Object.entries(models)) {
  describe(`KV cache: ${name}`, () => {
    const model = make().eval();
    const rows = [[1, 2, 3, 4, 5, 6, 7], [7, 6, 5, 4, 3, 2, 1]];

    it("forwardCached over a prompt, then one token at a time, gives the full forward's last-position logits", () => {
      const cache = model.createCache();
      for (let t = 3; t <= 7; t++) {
        const fed = t === 3 ? rows.map((r) => r.slice(0, 3)) : rows.map((r) => [r[t - 1]!]);
        const cached = tidy(() => model.forwardCached(tensor(fed, { dtype: "i32" }), cache).dataSync());
        const full = tidy(() => model.forward(tensor(rows.map((r) => r.slice(0, t)), { dtype: "i32" })).logits.arraySync()) as number[][][];
        expect(cache.length).toBe(t);
        expect(maxDiff(cached, full.flatMap((r) => r[t - 1]!))).toBeLessThan(1e-5);
      }
      cache.dispose();
    });

    it("generate with the cache samples what the full recompute samples (greedy and seeded), also past blockSize, and frees it", async () => {
      const prompt = tensor([[1, 2], [3, 4]], { dtype: "i32" });
      (await model.generate(prompt, 10)).dispose(); // the full path's cached tables and masks
      const before = memory().tensors;
      for (const seeded of [false, true]) {
        const options = seeded ? () => ({ generator: new Generator(3) }) : () => ({ temperature: 0 });
        const cached = await model.generate(prompt, 10, options()); // 12 tokens: the last 4 steps slide past blockSize 8
        const full = await model.generate(prompt, 10, { ...options(), cache: false });
        expect(cached.arraySync()).toEqual(full.arraySync());
        cached.dispose();
        full.dispose();
      }
      expect(memory().tensors).toBe(before);
      prompt.dispose();
    });

    it("refuses more than one new position once the cache is warm, and positions past blockSize", () => {
      const className = model.constructor.name;
      const cache = model.createCache();
      tidy(() => model.forwardCached(tensor([[1, 2, 3, 4, 5, 6, 7]], { dtype: "i32" }), cache));
      expect(() => tidy(() => model.forwardCached(tensor([[1, 2]], { dtype: "i32" }), cache))).toThrow(
        new ShapeError(`${className}.forwardCached: the cache holds 7 positions, so idx must be one new position per row ([B, 1]), got [1, 2]`),
      );
      tidy(() => model.forwardCached(tensor([[1]], { dtype: "i32" }), cache));
      expect(() => tidy(() => model.forwardCached(tensor([[1]], { dtype: "i32" }), cache))).toThrow(
        `${className}.forward: 8 cached positions and 1 new ones exceed blockSize 8; crop idx to its last 8 tokens and start a new cache`,
      );
      cache.dispose();
    });
  });
}

describe("KV cache buffers: written in place, grown by doubling", () => {
  // blockSize 200: a 10-token prompt and 150 new tokens pass the first buffer (64 positions) and the second (128).
  const config = { nLayer: 2, nHead: 2, nEmbd: 16, blockSize: 200, vocabSize: 13 };

  for (const [name, backend] of [["cpu (WriteSlice kernel)", createCpuBackend()], ["cpu without fused kernels (no WriteSlice: the cache concatenates)", createCpuBackend({ fused: false })]] as const) {
    it(`${name}: every step's logits are the full forward's, across two regrowths; nothing leaks`, () => {
      const model = new GPT(config, { generator: new Generator(7), backend }).eval();
      const tokens = Array.from({ length: 160 }, (_, i) => (i * 5 + 3) % 13);
      const checked = [25, 50, 63, 64, 65, 75, 100, 127, 128, 129, 150, 160];
      const full = new Map(checked.map((t) => [t, tidy(() => (model.forward(tensor([tokens.slice(0, t)], { dtype: "i32", backend })).logits.arraySync() as number[][][])[0]![t - 1]!)]));
      const before = memory().tensors; // after the full forwards' cached masks
      const cache = model.createCache();
      for (let t = 10; t <= 160; t++) {
        const fed = t === 10 ? tokens.slice(0, 10) : [tokens[t - 1]!];
        const cached = tidy(() => model.forwardCached(tensor([fed], { dtype: "i32", backend }), cache).dataSync());
        if (full.has(t)) expect(maxDiff(cached, full.get(t)!), `position ${t}`).toBeLessThan(1e-5);
      }
      expect(cache.length).toBe(160);
      cache.dispose();
      expect(memory().tensors).toBe(before);
      model.dispose();
    });
  }
});
