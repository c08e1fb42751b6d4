import { ConfigError, Generator, tensor, tidy } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { ModuleError } from "./errors.js";
import { GPT } from "./gpt.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";
import { SparseLinear } from "./sparse-linear.js";
import { sparseLayers, sparsify } from "./sparsify.js";
import { random24 } from "./test-helpers.js";

const config = { nLayer: 2, nHead: 2, nEmbd: 8, blockSize: 6, vocabSize: 11 };
const idx = tensor([[1, 2, 3, 4]], { dtype: "i32" });
const targets = tensor([[2, 3, 4, 5]], { dtype: "i32" });
const LAYERS = ["attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"];

describe("sparsify", () => {
  it("swaps the four Linears of every block, keeping parameter names, objects and outputs", () => {
    const gpt = new GPT(config, { generator: new Generator(2) });
    const before = gpt.namedParameters();
    const logits = tidy(() => [...gpt.forward(idx).logits.dataSync()]);
    const layers = sparsify(gpt);
    expect(layers.map((l) => l.name)).toEqual([0, 1].flatMap((i) => LAYERS.map((name) => `transformer.h.${i}.${name}`)));
    expect(gpt.namedParameters()).toEqual(before); // same names, same Parameter objects, same order
    expect(gpt.namedModules().some(([, m]) => m instanceof Linear)).toBe(false);
    expect(gpt.blocks.at(1).mlp.cFc).toBe(layers[6].layer);
    expect(gpt.getModule("transformer.h.0.attn.c_attn")).toBe(layers[0].layer);
    expect([...gpt.stateDict().keys()].filter((k) => k.endsWith(".mask"))).toEqual(layers.map((l) => `${l.name}.mask`));
    expect(tidy(() => [...gpt.forward(idx).logits.dataSync()])).toEqual(logits); // all-ones masks: same model
    expect(sparseLayers(gpt)).toEqual(layers);
  });

  it("applies initial masks and lets pruned weights receive gradients through the model", () => {
    const gpt = new GPT(config, { generator: new Generator(2) });
    const seen: string[] = [];
    const layers = sparsify(gpt, {
      mask: (name, weight) => {
        seen.push(name);
        return random24(weight.shape[0], weight.shape[1], new Generator(seen.length));
      },
    });
    expect(seen).toEqual(layers.map((l) => l.name));
    const { layer } = layers[2]; // transformer.h.0.mlp.c_fc
    tidy(() => gpt.forward(idx, targets).loss!.backward());
    const mask = layer.mask.dataSync();
    const grad = layer.weight.grad!.dataSync();
    const prunedWithGradient = [...mask].filter((m, i) => m === 0 && grad[i] !== 0).length;
    expect([...mask].filter((m) => m === 1).length).toBe(mask.length / 2);
    expect(prunedWithGradient).toBeGreaterThan(mask.length / 4);
  });

  it("adds SLoRB branches under <layer>.slorb_s / <layer>.slorb_p", () => {
    const gpt = new GPT(config);
    sparsify(gpt, { slorb: { groupSize: 4 } });
    const names = gpt.namedParameters().map(([n]) => n);
    expect(names.filter((n) => n.startsWith("transformer.h.0.mlp.c_fc."))).toEqual([
      "transformer.h.0.mlp.c_fc.weight", "transformer.h.0.mlp.c_fc.bias", "transformer.h.0.mlp.c_fc.slorb_s", "transformer.h.0.mlp.c_fc.slorb_p",
    ]);
    expect(gpt.getParameter("transformer.h.1.mlp.c_proj.slorb_s").shape).toEqual([8, 32 / 4]);
    const fixed = new GPT(config);
    sparsify(fixed, { slorb: { groupSize: 4, trainableProjection: false } });
    expect(fixed.namedParameters().filter(([n]) => n.endsWith("slorb_p"))).toEqual([]);
  });

  it("checks every layer before swapping any, and refuses to run twice", () => {
    const gpt = new GPT(config);
    expect(() => sparsify(gpt, { slorb: { groupSize: 16 } })).toThrow(ConfigError);
    expect(() => sparsify(gpt, { slorb: { groupSize: 16 } })).toThrow(/k=16 does not divide the input width 8 of transformer.h.0.attn.c_attn/);
    expect(sparseLayers(gpt)).toEqual([]);
    const some = sparsify(gpt, { include: (name) => name.endsWith("mlp.c_fc") });
    expect(some.map((l) => l.name)).toEqual(["transformer.h.0.mlp.c_fc", "transformer.h.1.mlp.c_fc"]);
    expect(some.every((l) => l.layer instanceof SparseLinear)).toBe(true);
    expect(() => sparsify(gpt)).toThrow(ModuleError);
    expect(() => sparsify(gpt)).toThrow(/already has sparse layers \(transformer.h.0.mlp.c_fc, transformer.h.1.mlp.c_fc\)/);
  });

  it("takes only GPT-2's sparse layers by default; include picks the Linears of another model", () => {
    class Head extends Module {
      readonly proj = this.registerModule("proj", new Linear(4, 4));
      readonly out = this.registerModule("out", new Linear(4, 2));
      forward(): void {}
    }
    expect(() => sparsify(new Head())).toThrow(ModuleError);
    expect(() => sparsify(new Head())).toThrow(/none of the model's Linear layers \(proj, out\) is a GPT-2 sparse layer \(attn.c_attn, attn.c_proj, mlp.c_fc, mlp.c_proj\); pass options.include/);
    expect(sparsify(new Head(), { include: () => true }).map((l) => l.name)).toEqual(["proj", "out"]);
    expect(() => sparsify(new Linear(4, 4))).toThrow(/not a Linear itself/);
  });
});
