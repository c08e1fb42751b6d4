import { Generator, tensor, type Tensor } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { generate } from "./generate.js";

/** A stand-in model whose next-token logits are always `row` (V = row.length). */
function fixedLogits(row: number[]) {
  return {
    config: { blockSize: 64 },
    call: (idx: Tensor) => ({ logits: tensor(Array.from({ length: idx.shape[1]! }, () => row), { shape: [1, idx.shape[1]!, row.length] }) }),
  };
}

describe("generate's sampling", () => {
  const logits = [0, 5, 4, 3, 1, 4];

  it("with topK 2 draws only the two largest (ties with the 2nd kept), in proportion to e^logit", async () => {
    const out = (await generate(fixedLogits(logits), tensor([[0]], { dtype: "i32" }), 60, { topK: 2, generator: new Generator(9) })).arraySync() as number[][];
    const drawn = out[0]!.slice(1);
    expect(new Set(drawn)).toEqual(new Set([1, 2, 5])); // 5 and 4: the 2nd largest, 4, twice
    const share = drawn.filter((t) => t === 1).length / drawn.length;
    expect(share).toBeGreaterThan(0.4); // e^5 / (e^5 + 2e^4) = 0.58
    expect(share).toBeLessThan(0.8);
  });

  it("greedy takes the first largest, and topK past the vocabulary keeps every token", async () => {
    const greedy = (await generate(fixedLogits([1, 7, 7, 2]), tensor([[0]], { dtype: "i32" }), 3, { temperature: 0 })).arraySync();
    expect(greedy).toEqual([[0, 1, 1, 1]]);
    const all = (await generate(fixedLogits([0, 0, 0]), tensor([[0]], { dtype: "i32" }), 90, { topK: 10, generator: new Generator(2) })).arraySync() as number[][];
    expect(new Set(all[0]!.slice(1))).toEqual(new Set([0, 1, 2]));
  });
});
