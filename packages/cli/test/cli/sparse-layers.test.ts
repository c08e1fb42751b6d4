import { Generator, noGrad } from "@adaptive-sparse/core";
import { hfToNative, nativeToHf } from "@adaptive-sparse/io";
import { GPT, isGptSparseWeight, sparsify } from "@adaptive-sparse/nn";
import { describe, expect, it } from "vitest";
import { sparseWeights } from "../../src/commands/evaluate.js";

// nn's sparsify, io's Conv1D transposition and eval's N:M check must cover the same GPT-2 weights.
describe("the prunable weights of a GPT-2", () => {
  const config = { nLayer: 2, nHead: 2, nEmbd: 8, blockSize: 6, vocabSize: 11, dropout: 0, bias: true };

  it("are the same set for sparsify, the Hugging Face mapping and eval --nm", async () => {
    const gpt = new GPT(config, { generator: new Generator(5) });
    const expected = [0, 1].flatMap((i) => ["attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"].map((layer) => `transformer.h.${i}.${layer}.weight`));
    const native = noGrad(() => Object.fromEntries(gpt.namedParameters().map(([name, p]) => [name, { dtype: "F32" as const, shape: [...p.shape], data: Float32Array.from(p.dataSync()) }])));

    const evaluated = (await sparseWeights(gpt)).map((w) => `${w.name}.weight`);
    // A weight is transposed for HF when HF's [0][1] element is our [1][0] (square c_proj too).
    const hf = nativeToHf(native, config, { prefix: "" });
    const transposed = Object.keys(native).filter((name) => {
      const ours = native[name]!;
      const theirs = hf[name.replace(/^transformer\./, "")]!;
      return ours.shape.length === 2 && theirs.data[1] === ours.data[ours.shape[1]!] && theirs.data[1] !== ours.data[1];
    });
    const back = hfToNative(hf, config);
    const restored = Object.keys(native).filter((name) => native[name]!.data.every((v, i) => v === back[name]!.data[i]));
    const swapped = sparsify(gpt).map((l) => `${l.name}.weight`);

    expect(swapped).toEqual(expected);
    expect(evaluated).toEqual(expected);
    expect(transposed).toEqual(expected);
    expect(Object.keys(native).filter(isGptSparseWeight)).toEqual(expected);
    expect(restored).toEqual(Object.keys(native)); // the round trip undoes exactly those transposes
  });
});
