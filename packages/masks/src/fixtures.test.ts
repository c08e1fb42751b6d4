import { readFileSync } from "node:fs";
import { computeMaskHost } from "./weight-tensor.js";
import { describe, expect, it } from "vitest";
import { assertNM } from "./assert-nm.js";
import { magnitudeMask } from "./magnitude.js";
import { createWandaStatistic } from "./wanda-statistic.js";
import { wandaMask } from "./wanda.js";

/** Written by fixtures/make_fixtures.py (PyTorch 1.13, same tie rule via a stable sort). */
interface MaskCase {
  name: string;
  rows: number;
  cols: number;
  weight: number[];
  inputs: number[];
  tokensPerSequence: number;
  inputNormSq: number[];
  masks: Record<string, number[]>;
}

const fixture = JSON.parse(readFileSync(new URL("../fixtures/masks.json", import.meta.url), "utf8")) as { cases: MaskCase[] };

describe.each(fixture.cases)("PyTorch mask fixture $name", (data) => {
  const weight = { data: Float32Array.from(data.weight), rows: data.rows, cols: data.cols };
  const inputNormSq = Float32Array.from(data.inputNormSq);

  it("has exact ties to exercise the tie rule", async () => {
    const zeros = data.weight.filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThanOrEqual(4);
  });

  it.each([
    [2, 4],
    [4, 8],
  ])("magnitude %i:%i equals torch exactly and is N:M-valid", async (n, m) => {
    const mask = (await computeMaskHost(magnitudeMask, weight, { n, m }));
    expect([...mask]).toEqual(data.masks[`magnitude-${n}:${m}`]);
    assertNM(mask, data.rows, data.cols, { n, m });
  });

  it.each([
    [2, 4],
    [4, 8],
  ])("wanda %i:%i equals torch exactly and is N:M-valid", async (n, m) => {
    const mask = (await computeMaskHost(wandaMask, weight, { n, m, inputNormSq }));
    expect([...mask]).toEqual(data.masks[`wanda-${n}:${m}`]);
    assertNM(mask, data.rows, data.cols, { n, m });
    expect(mask).not.toEqual((await computeMaskHost(magnitudeMask, weight, { n, m })));
  });

  it("unstructured 50 % magnitude equals torch exactly", async () => {
    const mask = (await computeMaskHost(magnitudeMask, weight, { n: 2, m: 4 }, { pattern: "unstructured" }));
    expect([...mask]).toEqual(data.masks["magnitude-unstructured-0.5"]);
  });

  it("our running Wanda statistic matches torch's float32 one", async () => {
    const stat = createWandaStatistic(data.cols);
    const step = data.tokensPerSequence * data.cols;
    const inputs = Float32Array.from(data.inputs);
    for (let start = 0; start < inputs.length; start += step) stat.addBatch(inputs.subarray(start, start + step));
    const ours = stat.value();
    for (let c = 0; c < data.cols; c++) {
      expect(Math.abs(ours[c]! - inputNormSq[c]!) / inputNormSq[c]!).toBeLessThan(1e-5);
    }
  });
});
