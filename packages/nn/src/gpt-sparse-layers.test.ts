import { describe, expect, it } from "vitest";
import { GPT } from "./gpt.js";
import { GPT_SPARSE_LAYERS, isGptSparseLayer, isGptSparseWeight } from "./gpt-sparse-layers.js";
import { Linear } from "./linear.js";

describe("GPT_SPARSE_LAYERS", () => {
  it("lists the four Linears of a block, which are all of a GPT's Linears", () => {
    expect(GPT_SPARSE_LAYERS).toEqual(["attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"]);
    const gpt = new GPT({ nLayer: 2, nHead: 2, nEmbd: 8, blockSize: 6, vocabSize: 11 });
    const linears = gpt.namedModules().filter(([, m]) => m instanceof Linear).map(([name]) => name);
    expect(linears).toHaveLength(8);
    expect(linears.filter(isGptSparseLayer)).toEqual(linears);
    const weights = gpt.namedParameters().map(([name]) => name).filter(isGptSparseWeight);
    expect(weights).toEqual(linears.map((name) => `${name}.weight`));
  });

  it("matches nanoGPT and Hugging Face names by whole dotted parts, weights only", () => {
    for (const name of ["transformer.h.0.attn.c_attn.weight", "h.11.mlp.c_proj.weight", "attn.c_proj.weight"]) expect(isGptSparseWeight(name)).toBe(true);
    for (const name of ["transformer.h.0.attn.c_attn.bias", "transformer.h.0.mlp.c_fc.mask", "lm_head.weight", "transformer.wte.weight", "transformer.h.0.ln_1.weight", "h.0.xattn.c_attn.weight", "h.0.mlp.c_fc.slorb_s"]) {
      expect(isGptSparseWeight(name)).toBe(false);
    }
    expect(isGptSparseLayer("transformer.h.3.mlp.c_fc")).toBe(true);
    expect(isGptSparseLayer("transformer.h.3.mlp.c_fc.weight")).toBe(false);
    expect(isGptSparseLayer("transformer.h.3.mlp")).toBe(false);
    expect(isGptSparseLayer("")).toBe(false);
  });
});
