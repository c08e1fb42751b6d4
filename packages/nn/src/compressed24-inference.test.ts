import { Generator, memory, noGrad, tensor, tidy } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { GPT } from "./gpt.js";
import { sparsify } from "./sparsify.js";
import { pack24, random24 } from "./test-helpers.js";

describe("SparseLinear with a compressed 2:4 weight (SparseMatMul24)", () => {
  it("gives a finalized 2:4 GPT exactly the logits of the dense-with-zeros path in eval mode; training ignores it", () => {
    const gpt = new GPT({ nLayer: 2, nHead: 2, nEmbd: 32, blockSize: 8, vocabSize: 24 }, { generator: new Generator(3) });
    const layers = sparsify(gpt);
    const g = new Generator(9);
    for (const { layer } of layers) {
      const mask = random24(layer.outFeatures, layer.inFeatures, g);
      layer.setMask(mask);
      mask.dispose();
      layer.applyMask();
    }
    const idx = tensor([[1, 5, 7, 2, 9, 11], [3, 3, 0, 23, 4, 8]], { dtype: "i32" });
    const logits = () => Array.from(noGrad(() => tidy(() => gpt.forward(idx).logits.dataSync())));
    gpt.eval();
    const dense = logits();
    const before = memory().tensors;
    for (const { layer } of layers) {
      const { values, indices } = pack24(layer.weight.dataSync(), layer.outFeatures, layer.inFeatures);
      layer.setCompressed24({ values, indices });
      values.dispose(); // the layer holds its own references
      indices.dispose();
    }
    expect(memory().tensors).toBe(before + 2 * layers.length);
    expect(logits()).toEqual(dense);
    // The compressed path really runs: a changed dense weight no longer shows in eval-mode logits.
    const first = layers[0].layer;
    noGrad(() => tidy(() => void first.weight.assign(first.weight.mul(2))));
    expect(logits()).toEqual(dense);
    gpt.train();
    expect(logits()).not.toEqual(dense); // training forwards read the dense weight
    for (const { layer } of layers) layer.setCompressed24(null);
    expect(memory().tensors).toBe(before);
    gpt.dispose();
    idx.dispose();
  });

  it("rejects a compressed weight of the wrong size or dtype", () => {
    const [{ layer }] = sparsify(new GPT({ nLayer: 1, nHead: 1, nEmbd: 8, blockSize: 4, vocabSize: 8 }, { generator: new Generator(1) }));
    expect(() => layer.setCompressed24({ values: tensor(new Float32Array(4)), indices: tensor(new Uint8Array(1), { dtype: "u8" }) })).toThrow(
      /a \[24, 8\] weight compresses to 96 values and 24 index bytes, got 4 and 1/,
    );
    expect(() => layer.setCompressed24({ values: tensor(new Float32Array(96)), indices: tensor(new Float32Array(24)) })).toThrow(/values must be f32 and indices u8/);
  });
});
