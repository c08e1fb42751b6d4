import { DTypeError, Generator, ShapeError, memory, tensor, tidy } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { Dropout } from "./dropout.js";
import { Embedding } from "./embedding.js";
import { LayerNorm } from "./layer-norm.js";
import { Linear } from "./linear.js";

describe("Linear", () => {
  it("computes x · Wᵀ + b with W in PyTorch's [out, in] layout", () => {
    const layer = new Linear(3, 2);
    layer.loadStateDict(new Map([["weight", tensor([[1, 2, 3], [0, -1, 1]])], ["bias", tensor([10, 20])]]));
    const y = tidy(() => layer.call(tensor([[[1, 1, 1]], [[2, 0, -1]]])).arraySync()); // [2, 1, 3] -> [2, 1, 2]
    expect(y).toEqual([[[16, 20]], [[9, 19]]]);
  });

  it("initialises like PyTorch by default and N(0, std²) with zero bias when std is given", () => {
    const uniform = new Linear(16, 64, { generator: new Generator(1) });
    const bound = 1 / 4;
    expect(Math.max(...uniform.weight.dataSync().map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...uniform.bias!.dataSync().map(Math.abs))).toBeLessThanOrEqual(bound);
    const normal = new Linear(64, 64, { std: 0.02, generator: new Generator(1) });
    const w = normal.weight.dataSync();
    const std = Math.sqrt([...w].reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).toBeGreaterThan(0.019);
    expect(std).toBeLessThan(0.021);
    expect([...normal.bias!.dataSync()].every((v) => v === 0)).toBe(true);
  });

  it("names the layer and the expected width on a bad input", () => {
    expect(() => new Linear(3, 2).call(tensor([[1, 2]]))).toThrow(/Linear\(3 -> 2\): input is \[1, 2\]; its last axis must be 3/);
  });

  it("has no bias parameter when bias: false", () => {
    expect(new Linear(2, 2, { bias: false }).namedParameters().map(([n]) => n)).toEqual(["weight"]);
  });
});

describe("Embedding", () => {
  it("looks up rows and scatters gradients back to them", () => {
    const emb = new Embedding(4, 2);
    emb.loadStateDict(new Map([["weight", tensor([[0, 1], [2, 3], [4, 5], [6, 7]])]]));
    const idx = tensor([[3, 1, 3]], { dtype: "i32" });
    const out = tidy(() => {
      const y = emb.call(idx); // (1, 3, 2)
      y.sum().backward();
      return y.arraySync();
    });
    expect(out).toEqual([[[6, 7], [2, 3], [6, 7]]]);
    expect(emb.weight.grad!.arraySync()).toEqual([[0, 0], [1, 1], [0, 0], [2, 2]]);
    expect(() => emb.call(tensor([1.5]))).toThrow(DTypeError);
  });
});

describe("LayerNorm", () => {
  it("normalises the last axis with biased variance and eps 1e-5", () => {
    const ln = new LayerNorm(4);
    const y = tidy(() => [...ln.call(tensor([[1, 2, 3, 4]])).dataSync()]);
    const inv = 1 / Math.sqrt(1.25 + 1e-5);
    [-1.5, -0.5, 0.5, 1.5].forEach((c, i) => expect(y[i]).toBeCloseTo(c * inv, 6));
    expect(ln.namedParameters().map(([n]) => n)).toEqual(["weight", "bias"]);
    expect(new LayerNorm(4, { bias: false }).namedParameters().map(([n]) => n)).toEqual(["weight"]);
    expect(() => ln.call(tensor([1, 2]))).toThrow(ShapeError);
  });
});

describe("Dropout", () => {
  it("is the identity in eval mode and scales kept values by 1/(1−p) in training", () => {
    const drop = new Dropout(0.5, new Generator(2));
    const x = tensor(new Float32Array(64).fill(1));
    const before = memory().tensors;
    expect(drop.eval().call(x)).toBe(x);
    const y = tidy(() => [...drop.train().call(x).dataSync()]);
    expect(memory().tensors).toBe(before);
    expect(y.every((v) => v === 0 || v === 2)).toBe(true);
    expect(y.filter((v) => v === 0).length).toBeGreaterThan(16);
    expect(y.filter((v) => v === 0).length).toBeLessThan(48);
    expect(() => new Dropout(1)).toThrow(/p must be in \[0, 1\)/);
  });
});
