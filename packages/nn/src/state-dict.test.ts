import { tensor, zeros, type Tensor } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { StateDictError } from "./errors.js";
import { Linear } from "./linear.js";

function stateOf(entries: Record<string, Tensor>): Map<string, Tensor> {
  return new Map(Object.entries(entries));
}

describe("stateDict / loadStateDict", () => {
  it("round-trips values into the same parameter objects", () => {
    const a = new Linear(2, 2);
    const b = new Linear(2, 2, { std: 0.5 });
    const weight = b.weight;
    b.loadStateDict(a.stateDict());
    expect(b.weight).toBe(weight);
    expect([...b.weight.dataSync()]).toEqual([...a.weight.dataSync()]);
    expect([...b.bias!.dataSync()]).toEqual([...a.bias!.dataSync()]);
  });

  it("names the missing key and its expected shape", () => {
    const layer = new Linear(3, 2);
    expect(() => layer.loadStateDict(stateOf({ weight: zeros([2, 3]) }))).toThrow(/missing key "bias" \(the model expects \[2\]\)/);
  });

  it("names the unexpected key and its shape", () => {
    const layer = new Linear(3, 2);
    const state = stateOf({ weight: zeros([2, 3]), bias: zeros([2]), "lm_head.weight": zeros([5, 3]) });
    expect(() => layer.loadStateDict(state)).toThrow(/unexpected key "lm_head.weight" \(\[5, 3\] in the state dict/);
  });

  it("names a mis-shaped key with both shapes, even when not strict, and loads nothing", () => {
    const layer = new Linear(3, 2);
    const before = [...layer.bias!.dataSync()];
    const state = stateOf({ weight: zeros([3, 2]), bias: tensor([7, 7]) });
    expect(() => layer.loadStateDict(state, { strict: false })).toThrow(StateDictError);
    expect(() => layer.loadStateDict(state)).toThrow(/"weight" has shape \[3, 2\] in the state dict but \[2, 3\] in the model/);
    expect([...layer.bias!.dataSync()]).toEqual(before);
  });

  it("skips and reports missing / unexpected keys when not strict", () => {
    const layer = new Linear(3, 2);
    const result = layer.loadStateDict(stateOf({ bias: tensor([1, 2]), extra: zeros([1]) }), { strict: false });
    expect(result).toEqual({ missingKeys: ["weight"], unexpectedKeys: ["extra"] });
    expect([...layer.bias!.dataSync()]).toEqual([1, 2]);
  });

  it("rejects a float/integer dtype mismatch", () => {
    const layer = new Linear(1, 1);
    const state = stateOf({ weight: tensor([[1]], { dtype: "i32" }), bias: zeros([1]) });
    expect(() => layer.loadStateDict(state)).toThrow(/"weight" has dtype i32 in the state dict but f32 in the model/);
  });
});
