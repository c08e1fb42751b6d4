// The README's usage example, run as a test so it cannot go stale.
import { Generator, memory, mul, noGrad, sub, tensor, tidy } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { GPT } from "./gpt.js";
import { sparsify } from "./sparsify.js";
import { random24 } from "./test-helpers.js";

describe("README example", () => {
  it("builds a tiny GPT, runs forward/loss/backward and an SGD step, sparsifies and samples", async () => {
    const gpt = new GPT({ nLayer: 2, nHead: 2, nEmbd: 32, blockSize: 16, vocabSize: 64 }, { generator: new Generator(0) });
    const idx = tensor([[1, 2, 3, 4]], { dtype: "i32" });
    const targets = tensor([[2, 3, 4, 5]], { dtype: "i32" });
    noGrad(() => tidy(() => void gpt.forward(idx))); // builds the per-length position ids and causal masks once
    const live = memory().tensors;

    const loss = tidy(() => {
      const out = gpt.forward(idx, targets);
      out.loss!.backward();
      return out.loss!.item();
    });
    noGrad(() =>
      tidy(() => {
        for (const p of gpt.parameters()) {
          p.assign(sub(p, mul(p.grad!, 0.1)));
          p.zeroGrad();
        }
      }),
    );
    expect(memory().tensors).toBe(live);
    const after = tidy(() => gpt.forward(idx, targets).loss!.item());
    expect(after).toBeLessThan(loss);

    const layers = sparsify(gpt, { slorb: { groupSize: 16 } });
    expect(layers[0].name).toBe("transformer.h.0.attn.c_attn");
    const myMask = random24(96, 32, new Generator(3));
    layers[0].layer.setMask(myMask);

    const sample = await gpt.eval().generate(idx, 20, { temperature: 0.8, topK: 10, generator: new Generator(1) });
    expect(sample.shape).toEqual([1, 24]);
  });
});
