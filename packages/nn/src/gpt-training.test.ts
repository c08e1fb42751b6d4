import { Generator, memory, mul, noGrad, randn, sub, tensor, tidy } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { GPT } from "./gpt.js";

describe("GPT training", () => {
  it("loss falls over 30 SGD steps on a fixed batch, with no tensors leaking per step", () => {
    const config = { nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: 16 };
    const gpt = new GPT(config, { generator: new Generator(3) });
    const g = new Generator(11);
    const tokens = Array.from({ length: 2 * 9 }, () => g.integer(config.vocabSize));
    const rows = [tokens.slice(0, 9), tokens.slice(9)];
    const idx = tensor(rows.map((r) => r.slice(0, 8)), { dtype: "i32" });
    const targets = tensor(rows.map((r) => r.slice(1)), { dtype: "i32" });
    const params = gpt.parameters();
    const lr = 0.2;
    // One forward first: it builds the position ids and causal masks the model keeps per length.
    noGrad(() => tidy(() => void gpt.forward(idx)));
    const live = memory().tensors;
    const losses: number[] = [];
    for (let step = 0; step < 30; step++) {
      losses.push(
        tidy(() => {
          const { loss } = gpt.forward(idx, targets);
          loss!.backward(); // inside the tidy that built the graph, so every intermediate is freed
          return loss!.item();
        }),
      );
      noGrad(() =>
        tidy(() => {
          for (const p of params) {
            p.assign(sub(p, mul(p.grad!, lr)));
            p.zeroGrad();
          }
        }),
      );
      expect(memory().tensors, `live tensors after step ${step}`).toBe(live);
    }
    expect(losses[0]).toBeGreaterThan(Math.log(config.vocabSize) - 0.2); // ~uniform at init
    expect(losses[29]).toBeLessThan(0.5 * losses[0]);
    for (let i = 5; i < 30; i += 5) expect(losses[i]).toBeLessThan(losses[i - 5]);
    idx.dispose();
    targets.dispose();
    gpt.dispose();
  });

  it("frees everything with dispose()", () => {
    const before = memory().tensors;
    const gpt = new GPT({ nLayer: 1, nHead: 1, nEmbd: 8, blockSize: 4, vocabSize: 8 });
    const x = randn([1]);
    gpt.dispose();
    x.dispose();
    expect(memory().tensors).toBe(before);
  });
});
