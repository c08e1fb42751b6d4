import { memory, noGrad, tensor, tidy } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { prunableLayers } from "./causal-lm.js";
import { OPT } from "./opt/opt.js";
import { sparsify } from "./sparsify.js";

const config = { vocabSize: 40, blockSize: 8, nLayer: 2, nEmbd: 32, nHead: 4, ffnDim: 64 };

describe("OPT", () => {
  it("reads positions from row 2 on (rows 0 and 1 are never used)", () => {
    const opt = new OPT(config);
    const table = opt.getParameter("model.decoder.embed_positions.weight");
    expect(table.shape).toEqual([10, 32]);
    const values = Float32Array.from(table.dataSync());
    values.fill(NaN, 0, 2 * 32);
    table.assign(tensor(values, { shape: [10, 32] }));
    const logits = noGrad(() => opt.forward(tensor([[1, 2, 3, 4, 5, 6, 7, 8]], { dtype: "i32" })).logits.dataSync());
    expect(logits.every(Number.isFinite)).toBe(true);
    opt.dispose();
  });

  it("prunes q/k/v/out_proj, fc1 and fc2 of every layer only", () => {
    const opt = new OPT({ ...config, wordEmbedProjDim: 16 });
    const names = prunableLayers(opt).map(([name]) => name);
    expect(names).toEqual([0, 1].flatMap((i) => ["k_proj", "v_proj", "q_proj", "out_proj"].map((p) => `model.decoder.layers.${i}.self_attn.${p}`).concat([`model.decoder.layers.${i}.fc1`, `model.decoder.layers.${i}.fc2`])));
    expect(opt.isPrunable("model.decoder.project_in")).toBe(false);
    expect(sparsify(opt)).toHaveLength(12);
    opt.dispose();
  });

  it("post-LN has no final decoder LayerNorm; word_embed_proj_dim adds project_in/out without bias", () => {
    const before = memory().tensors;
    const opt = new OPT({ ...config, doLayerNormBefore: false, wordEmbedProjDim: 16 });
    const names = [...opt.stateDict().keys()];
    expect(names.slice(0, 4)).toEqual(["model.decoder.embed_tokens.weight", "model.decoder.embed_positions.weight", "model.decoder.project_out.weight", "model.decoder.project_in.weight"]);
    expect(names).not.toContain("model.decoder.final_layer_norm.weight");
    expect(names).toContain("model.decoder.layers.1.final_layer_norm.bias");
    expect(opt.getParameter("model.decoder.project_in.weight").shape).toEqual([32, 16]);
    expect(opt.getParameter("model.decoder.embed_tokens.weight").shape).toEqual([40, 16]);
    expect(tidy(() => noGrad(() => opt.forward(tensor([[1, 2, 3]], { dtype: "i32" })).logits.shape))).toEqual([1, 3, 40]);
    opt.dispose();
    expect(memory().tensors).toBe(before);
  });

  it("rejects bad configs and inputs", () => {
    expect(() => new OPT({ ...config, nHead: 5 })).toThrow(/nEmbd must be a multiple of nHead/);
    const opt = new OPT(config);
    expect(() => opt.forward(tensor([new Array(9).fill(1)], { dtype: "i32" }))).toThrow(/OPT.forward: sequence length 9 exceeds blockSize 8/);
    opt.dispose();
  });
});
