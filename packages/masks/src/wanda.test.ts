import { ConfigError, NonFiniteError, ShapeError } from "@adaptive-sparse/core";
import { computeMaskHost } from "./weight-tensor.js";
import { describe, expect, it } from "vitest";
import { assertNM } from "./assert-nm.js";
import { magnitudeMask } from "./magnitude.js";
import { createPrng } from "./prng.js";
import { createWandaStatistic } from "./wanda-statistic.js";
import { wandaMask, wandaScores } from "./wanda.js";

const cols = 8;
const tokensPerSequence = 3;
const sequences = 7;
const next = createPrng(11);
const uniform = () => next() / 2 ** 32 - 0.5;
const inputs = Float32Array.from({ length: sequences * tokensPerSequence * cols }, () => uniform() * 4);

/** The batch formula: a_c = (1/n) Σ_sequences Σ_tokens x_c². */
function batchFormula(): Float64Array {
  const a = new Float64Array(cols);
  for (let i = 0; i < inputs.length; i++) a[i % cols]! += inputs[i]! ** 2;
  return a.map((v) => v / sequences);
}

describe("createWandaStatistic (method.md §2.2, §10.1 item 4)", () => {
  it("hand-checked: one sequence of two tokens", async () => {
    const stat = createWandaStatistic(4);
    stat.addBatch(new Float32Array([1, 2, 0, 0, 3, 0, 0, 1]));
    expect([...stat.value()]).toEqual([10, 4, 0, 1]);
    stat.addBatch(new Float32Array([1, 0, 0, 0]));
    // mean over 2 sequences: ([10,4,0,1] + [1,0,0,0]) / 2
    expect([...stat.value()]).toEqual([5.5, 2, 0, 0.5]);
    expect(stat.count).toBe(2);
  });

  it("equals the batch formula for any split into batches", async () => {
    const expected = batchFormula();
    for (const split of [[7], [1, 1, 1, 1, 1, 1, 1], [3, 4], [2, 1, 4], [1, 6], [5, 2]]) {
      const stat = createWandaStatistic(cols);
      let start = 0;
      for (const b of split) {
        const end = start + b * tokensPerSequence * cols;
        stat.addBatch(inputs.subarray(start, end), b);
        start = end;
      }
      expect(stat.count).toBe(sequences);
      const a = stat.value();
      for (let c = 0; c < cols; c++) expect(a[c]).toBeCloseTo(expected[c]!, 4);
      for (let c = 0; c < cols; c++) expect(Math.abs(a[c]! - expected[c]!) / expected[c]!).toBeLessThan(1e-6);
    }
  });

  it("rejects bad inputs", async () => {
    expect(() => createWandaStatistic(0)).toThrow(ShapeError);
    const stat = createWandaStatistic(4);
    expect(() => stat.addBatch(new Float32Array(6))).toThrow(/not a multiple of cols=4/);
    expect(() => stat.addBatch(new Float32Array(4), 0)).toThrow(ShapeError);
    expect(() => stat.addBatch(new Float32Array([1, NaN, 0, 0]))).toThrow(NonFiniteError);
  });
});

describe("wanda strategy", () => {
  const weight = { data: Float32Array.from({ length: 6 * cols }, () => uniform()), rows: 6, cols };

  it("scores are |W|·sqrt(a_c)", async () => {
    const a = new Float32Array([4, 1, 0, 9, 1, 1, 1, 16]);
    const scores = wandaScores({ data: new Float32Array([-1, 2, 3, -0.5, 1, 1, 1, 0.25]), rows: 1, cols }, a);
    expect([...scores]).toEqual([2, 2, 0, 1.5, 1, 1, 1, 1]);
  });

  it("with all a_c equal it equals magnitude (2:4, 4:8, unstructured)", async () => {
    const inputNormSq = new Float32Array(cols).fill(2.5);
    for (const [n, m] of [[2, 4], [4, 8], [1, 4]] as const) {
      const wanda = (await computeMaskHost(wandaMask, weight, { n, m, inputNormSq }));
      expect(wanda).toEqual((await computeMaskHost(magnitudeMask, weight, { n, m })));
      assertNM(wanda, weight.rows, weight.cols, { n, m });
    }
    const options = { pattern: "unstructured" as const, sparsity: 0.25 };
    expect((await computeMaskHost(wandaMask, weight, { n: 2, m: 4, inputNormSq }, options))).toEqual(
      (await computeMaskHost(magnitudeMask, weight, { n: 2, m: 4 }, options)),
    );
  });

  it("activations change the choice", async () => {
    const w = { data: new Float32Array([1, 2, 3, 4]), rows: 1, cols: 4 };
    expect([...(await computeMaskHost(wandaMask, w, { n: 2, m: 4, inputNormSq: new Float32Array([100, 1, 1, 1]) }))]).toEqual([1, 0, 0, 1]);
  });

  it("needs context.inputNormSq of the right length", async () => {
    await expect(computeMaskHost(wandaMask, weight, { n: 2, m: 4 })).rejects.toThrow(/needs context\.inputNormSq/);
    await expect(computeMaskHost(wandaMask, weight, { n: 2, m: 4, inputNormSq: new Float32Array(4) })).rejects.toThrow(ConfigError);
    const negative = new Float32Array(cols).fill(1);
    negative[3] = -1;
    await expect(computeMaskHost(wandaMask, weight, { n: 2, m: 4, inputNormSq: negative })).rejects.toThrow(/inputNormSq\[3\] = -1/);
  });
});
