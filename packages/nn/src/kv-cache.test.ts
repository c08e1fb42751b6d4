import { Generator, ShapeError, memory, tensor, tidy } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { GPT } from "./gpt.js";

const config = { nLayer: 2, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: 13 };

/** The largest |a − b| over two equal-length arrays. */
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe("KV cache", () => {
  const gpt = new GPT(config, { generator: new Generator(5) }).eval();
  const rows = [[1, 2, 3, 4, 5, 6, 7], [7, 6, 5, 4, 3, 2, 1]];

  it("forwardCached over a prompt, then one token at a time, gives the full forward's last-position logits", () => {
    const cache = gpt.createCache();
    for (let t = 3; t <= 7; t++) {
      const fed = t === 3 ? rows.map((r) => r.slice(0, 3)) : rows.map((r) => [r[t - 1]!]);
      const cached = tidy(() => gpt.forwardCached(tensor(fed, { dtype: "i32" }), cache).dataSync());
      const full = tidy(() => gpt.forward(tensor(rows.map((r) => r.slice(0, t)), { dtype: "i32" })).logits.arraySync()) as number[][][];
      expect(cache.length).toBe(t);
      expect(maxDiff(cached, full.flatMap((r) => r[t - 1]!))).toBeLessThan(1e-5);
    }
    cache.dispose();
  });

  it("generate with the cache samples what the full recompute samples (greedy and seeded), also past blockSize, and frees it", async () => {
    const prompt = tensor([[1, 2], [3, 4]], { dtype: "i32" });
    (await gpt.generate(prompt, 10)).dispose(); // the full path's cached positions and masks
    const before = memory().tensors;
    for (const options of [{ temperature: 0 }, { generator: new Generator(3) }]) {
      const cached = await gpt.generate(prompt, 10, options); // 12 tokens: the last 4 steps slide past blockSize 8
      const full = await gpt.generate(prompt, 10, { ...options, ...(options.generator ? { generator: new Generator(3) } : {}), cache: false });
      expect(cached.arraySync()).toEqual(full.arraySync());
      cached.dispose();
      full.dispose();
    }
    expect(memory().tensors).toBe(before);
    prompt.dispose();
  });

  it("refuses more than one new position once the cache is warm, and positions past blockSize", () => {
    const cache = gpt.createCache();
    tidy(() => gpt.forwardCached(tensor([[1, 2, 3, 4, 5, 6, 7]], { dtype: "i32" }), cache));
    expect(() => tidy(() => gpt.forwardCached(tensor([[1, 2]], { dtype: "i32" }), cache))).toThrow(
      new ShapeError("GPT.forwardCached: the cache holds 7 positions, so idx must be one new position per row ([B, 1]), got [1, 2]"),
    );
    tidy(() => gpt.forwardCached(tensor([[1]], { dtype: "i32" }), cache));
    expect(() => tidy(() => gpt.forwardCached(tensor([[1]], { dtype: "i32" }), cache))).toThrow(
      "GPT.forward: 8 cached positions and 1 new ones exceed blockSize 8; crop idx to its last 8 tokens and start a new cache",
    );
    cache.dispose();
  });
});
