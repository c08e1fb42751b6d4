import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseMultipleChoiceJsonl } from "./multiple-choice-task.js";
import { evaluatePerplexity, type PerplexityOptions } from "./perplexity.js";
import { BigramPositionModel, charTokenizer } from "./stand-in-models.js";
import { evaluateMultipleChoice } from "./zero-shot.js";

/** Written by fixtures/make_fixtures.py (PyTorch 1.13, float64, the reference protocols). */
interface ModelData {
  vocabSize: number;
  blockSize: number;
  W: number[];
  P: number[];
}
interface Fixture {
  perplexity: {
    model: ModelData;
    tokens: number[];
    cases: { name: string; options: PerplexityOptions; perplexity: number; loss: number; windows: number; tokens: number }[];
  };
  zeroShot: {
    alphabet: string;
    model: ModelData;
    scores: { loglikelihoods: number[]; choiceTokens: number[]; prediction: number; predictionNorm: number }[];
    acc: number;
    acc_norm: number;
  };
}

const fixture = JSON.parse(readFileSync(new URL("../fixtures/eval.json", import.meta.url), "utf8")) as Fixture;
const taskText = readFileSync(new URL("../fixtures/tiny-task.jsonl", import.meta.url), "utf8");
const build = (data: ModelData) => new BigramPositionModel(data.vocabSize, data.blockSize, data.W, data.P);

/** float32 against float64: 2e-6 relative plus 1e-5 absolute. */
function expectClose(actual: number, expected: number, what: string): void {
  const error = Math.abs(actual - expected);
  if (error > 2e-6 * Math.abs(expected) + 1e-5) expect.fail(`${what}: got ${actual}, torch ${expected} (error ${error})`);
}

describe.each(fixture.perplexity.cases)("PyTorch perplexity fixture: $name", (data) => {
  it("matches the reference eval_ppl protocol", async () => {
    const model = build(fixture.perplexity.model);
    const result = await evaluatePerplexity(model, fixture.perplexity.tokens, data.options);
    expect(result.windows).toBe(data.windows);
    expect(result.tokens).toBe(data.tokens);
    expectClose(result.loss, data.loss, "loss");
    expectClose(result.perplexity, data.perplexity, "perplexity");
    model.dispose();
  });
});

describe("PyTorch zero-shot fixture (LM-Evaluation-Harness loglikelihood)", () => {
  it.each([1, 4, 16])("matches every per-choice log-likelihood, acc and acc_norm (batchSize %i)", async (batchSize) => {
    const model = build(fixture.zeroShot.model);
    const examples = parseMultipleChoiceJsonl(taskText, "tiny-task.jsonl");
    const result = await evaluateMultipleChoice(model, charTokenizer(fixture.zeroShot.alphabet), examples, { batchSize });
    expect(result.examples).toBe(6);
    result.scores.forEach((score, i) => {
      const expected = fixture.zeroShot.scores[i];
      expect(score.choiceTokens, `example ${i} tokens`).toEqual(expected.choiceTokens);
      score.loglikelihoods.forEach((ll, j) => expectClose(ll, expected.loglikelihoods[j], `example ${i} choice ${j}`));
      expect(score.prediction).toBe(expected.prediction);
      expect(score.predictionNorm).toBe(expected.predictionNorm);
    });
    expect(result.acc).toBeCloseTo(fixture.zeroShot.acc, 12);
    expect(result.acc_norm).toBeCloseTo(fixture.zeroShot.acc_norm, 12);
    model.dispose();
  });
});
