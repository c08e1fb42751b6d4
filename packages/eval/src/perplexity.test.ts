import { ConfigError, memory } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { EvalError } from "./errors.js";
import { evaluatePerplexity, perplexityEvaluator, perplexityWindows } from "./perplexity.js";
import { BigramPositionModel } from "./stand-in-models.js";

describe("perplexityWindows", () => {
  it("counts floor(N / L) non-overlapping windows and drops the tail (method.md §10.1 item 14)", () => {
    expect(perplexityWindows(1000, 64)).toBe(15);
    expect(perplexityWindows(1024 * 280 + 1023, 1024)).toBe(280);
    expect(perplexityWindows(63, 64)).toBe(0);
  });
});

describe("evaluatePerplexity", () => {
  it("N = 1000, L = 64: 15 windows, 15 · 63 predictions, batches of batchSize; a uniform model scores PPL = V", async () => {
    const model = new BigramPositionModel(5, 64);
    const tokens = Array.from({ length: 1000 }, (_, i) => (i * 3) % 5);
    const result = await evaluatePerplexity(model, tokens, { batchSize: 4 });
    expect(result.windows).toBe(15);
    expect(result.tokens).toBe(15 * 63);
    expect(result.loss).toBeCloseTo(Math.log(5), 6);
    expect(result.perplexity).toBeCloseTo(5, 5);
    expect(model.calls).toEqual([[4, 64], [4, 64], [4, 64], [3, 64]]);
    // The last window is tokens 896..959; tokens 960..999 are the dropped tail.
    expect(model.lastInput[2]).toEqual(tokens.slice(896, 960));
    model.dispose();
  });

  it("matches a hand computation: first token never predicted, tail dropped", async () => {
    // p(next | 0) = [1/4, 3/4]; p(next | 1) = [1/2, 1/2].
    const model = new BigramPositionModel(2, 4, [0, Math.log(3), 0, 0]);
    const window1 = (-Math.log(3 / 4) + 2 * Math.log(2)) / 3; // 0→1, 1→1, 1→0
    const window2 = (Math.log(4) - Math.log(3 / 4) + Math.log(2)) / 3; // 0→0, 0→1, 1→1
    for (const tail of [1, 0]) {
      const result = await evaluatePerplexity(model, [0, 1, 1, 0, 0, 0, 1, 1, tail], { batchSize: 1 });
      expect(result).toMatchObject({ windows: 2, tokens: 6 });
      expect(result.loss).toBeCloseTo((window1 + window2) / 2, 6);
      expect(result.perplexity).toBeCloseTo(Math.exp((window1 + window2) / 2), 5);
    }
    model.dispose();
  });

  it("maxWindows scores only the first windows; a smaller blockSize sets the window length", async () => {
    const model = new BigramPositionModel(2, 4, [0, Math.log(3), 0, 0]);
    const first = await evaluatePerplexity(model, [0, 1, 1, 0, 0, 0, 1, 1], { maxWindows: 1 });
    expect(first.windows).toBe(1);
    expect(first.loss).toBeCloseTo((-Math.log(3 / 4) + 2 * Math.log(2)) / 3, 6);
    const pairs = await evaluatePerplexity(model, [0, 1, 1, 0, 0, 0, 1], { blockSize: 2, batchSize: 8 });
    expect(pairs).toMatchObject({ windows: 3, tokens: 3 });
    expect(pairs.loss).toBeCloseTo((-Math.log(3 / 4) + Math.log(2) + Math.log(4)) / 3, 6);
    model.dispose();
  });

  it("leaves no tensor behind and restores training mode", async () => {
    const model = new BigramPositionModel(7, 8);
    const tokens = new Uint16Array(100).map((_, i) => (i * 5) % 7);
    const before = memory().tensors;
    await evaluatePerplexity(model, tokens, { batchSize: 3 });
    await perplexityEvaluator.run({ model, tokens }, { batchSize: 2 });
    expect(memory().tensors).toBe(before);
    expect(model.evalCalls).toBe(2);
    expect(model.training).toBe(true);
    model.dispose();
  });

  it("says how many tokens there are and how many a window needs when the stream is too short", async () => {
    const model = new BigramPositionModel(5, 64);
    const short = new Array(37).fill(1);
    await expect(evaluatePerplexity(model, short)).rejects.toThrow(EvalError);
    await expect(evaluatePerplexity(model, short)).rejects.toThrow(/37 tokens but one window needs blockSize = 64/);
    model.dispose();
  });

  it("rejects bad options and ids outside the vocabulary", async () => {
    const model = new BigramPositionModel(5, 8);
    const tokens = new Array(20).fill(0);
    await expect(evaluatePerplexity(model, tokens, { blockSize: 9 })).rejects.toThrow(/blockSize 9 exceeds the model's blockSize 8/);
    await expect(evaluatePerplexity(model, tokens, { batchSize: 0 })).rejects.toThrow(ConfigError);
    await expect(evaluatePerplexity(model, tokens, { windows: 3 } as never)).rejects.toThrow(/unknown option "windows"/);
    await expect(evaluatePerplexity(model, [...tokens.slice(0, 5), 5, ...tokens])).rejects.toThrow(/token id 5 at index 5 is outside the model's vocabulary \[0, 5\)/);
    await expect(perplexityEvaluator.run({ model }, {})).rejects.toThrow(/input "tokens" is missing/);
    model.dispose();
  });
});
