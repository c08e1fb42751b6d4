import { memory } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { encodePair } from "./encode-pair.js";
import { EvalError } from "./errors.js";
import { BigramPositionModel, charTokenizer } from "./stand-in-models.js";
import { evaluateMultipleChoice, zeroShotEvaluator } from "./zero-shot.js";

const ALPHABET = " abcdefghijklmnopqrstuvwxyz.?";
const chars = charTokenizer(ALPHABET); // ids 0..28, eot 29
const V = ALPHABET.length + 1;
const id = (ch: string) => ALPHABET.indexOf(ch);

describe("encodePair", () => {
  it("moves the context's trailing whitespace into the continuation (harness _encode_pair)", () => {
    expect(encodePair(chars, "is ", "ok")).toEqual({ context: [id("i"), id("s")], continuation: [0, id("o"), id("k")] });
    expect(encodePair(chars, "is", " ok")).toEqual({ context: [id("i"), id("s")], continuation: [0, id("o"), id("k")] });
  });

  it("uses [eotToken] for an empty or whitespace-only context, and needs one", () => {
    expect(encodePair(chars, "", "no")).toEqual({ context: [29], continuation: [id("n"), id("o")] });
    expect(encodePair(chars, "  ", "no")).toEqual({ context: [29], continuation: [0, 0, id("n"), id("o")] });
    const plain = { encode: chars.encode };
    expect(() => encodePair(plain, "", "no")).toThrow(/has no eotToken/);
  });

  it("continues the context's encoding: a merge across the boundary stays inside the continuation", () => {
    // A toy tokenizer that merges "ab" into one id 99 (like a BPE merge).
    const merging = { encode: (text: string) => text.replace(/ab/g, "\u0001").split("").map((ch) => (ch === "\u0001" ? 99 : id(ch))) };
    expect(encodePair(merging, "xa", "bc")).toEqual({ context: [id("x"), id("a")], continuation: [id("c")] });
    expect(() => encodePair(chars, "x", "")).toThrow(EvalError);
  });
});

describe("evaluateMultipleChoice", () => {
  it("uniform model: acc picks the fewest tokens, acc_norm divides by characters (ties go to the first choice)", async () => {
    const model = new BigramPositionModel(V, 16);
    const result = await evaluateMultipleChoice(model, chars, [{ context: "ab", choices: ["cde", "c"], label: 0 }]);
    const [score] = result.scores;
    expect(score.loglikelihoods[0]).toBeCloseTo(-3 * Math.log(V), 5);
    expect(score.loglikelihoods[1]).toBeCloseTo(-Math.log(V), 5);
    expect(score).toMatchObject({ choiceTokens: [3, 1], choiceChars: [3, 1], prediction: 1, predictionNorm: 0, label: 0 });
    expect(result).toMatchObject({ acc: 0, acc_norm: 1, examples: 1 });
    model.dispose();
  });

  it("a model that prefers 'b' after a space picks ' blue' (hand-computed log-likelihood)", async () => {
    const table = new Float32Array(V * V);
    table[id(" ") * V + id("b")] = 10;
    const model = new BigramPositionModel(V, 16, table);
    const result = await evaluateMultipleChoice(model, chars, [
      { context: "the sky is", choices: [" green", " blue"], label: 1 },
      { context: "grass is ", choices: ["blue", "green"], label: 1 },
    ]);
    const logZ = Math.log(V - 1 + Math.exp(10));
    // ' ' after 's', 'b' after ' ', then 'l', 'u', 'e' uniformly.
    expect(result.scores[0].loglikelihoods[1]).toBeCloseTo(-Math.log(V) + (10 - logZ) - 3 * Math.log(V), 4);
    expect(result.scores[0].loglikelihoods[0]).toBeCloseTo(-Math.log(V) - logZ - 4 * Math.log(V), 4);
    expect(result.scores.map((s) => s.prediction)).toEqual([1, 0]);
    expect(result.scores[1].choiceTokens).toEqual([5, 6]); // the moved space is scored
    expect(result.acc).toBe(0.5);
    model.dispose();
  });

  it("one context per choice (WinoGrande's partial scoring): each choice is scored after its own context", async () => {
    const table = new Float32Array(V * V);
    table[id("b") * V + id(" ")] = 10; // ' ' is likely after 'b', so " ok" scores higher after "ab" than after "ac"
    const model = new BigramPositionModel(V, 16, table);
    const together = await evaluateMultipleChoice(model, chars, [{ context: "", contexts: ["ac", "ab"], choices: [" ok", " ok"], label: 1 }]);
    const apart = await evaluateMultipleChoice(model, chars, [
      { context: "ac", choices: [" ok"], label: 0 },
      { context: "ab", choices: [" ok"], label: 0 },
    ]);
    expect(together.scores[0].loglikelihoods).toEqual(apart.scores.map((s) => s.loglikelihoods[0]));
    const logZ = Math.log(V - 1 + Math.exp(10));
    expect(together.scores[0].loglikelihoods[1]).toBeCloseTo(10 - logZ - 2 * Math.log(V), 4);
    expect(together.acc).toBe(1);
    await expect(evaluateMultipleChoice(model, chars, [{ context: "", contexts: ["ab"], choices: [" x", " y"], label: 0 }])).rejects.toThrow(/contexts: needs one context per choice/);
    model.dispose();
  });

  it("left-truncates the context to blockSize and right-pads a batch", async () => {
    const model = new BigramPositionModel(V, 4);
    await evaluateMultipleChoice(model, chars, [{ context: "abcdefgh", choices: ["ij", "k"], label: 0 }], { batchSize: 2 });
    // Windows: last 5 of "abcdefghij" minus the final token = "fghi"; last 5 of "abcdefghk" minus "k" = "efgh".
    expect(model.lastInput).toEqual([[..."fghi"].map(id), [..."efgh"].map(id)]);
    await evaluateMultipleChoice(model, chars, [{ context: "ab", choices: ["cd", "e"], label: 0 }], { batchSize: 2 });
    expect(model.lastInput).toEqual([[id("a"), id("b"), id("c")], [id("a"), id("b"), 0]]); // padded with 0
    await expect(evaluateMultipleChoice(model, chars, [{ context: "a", choices: ["bcdef"], label: 0 }])).rejects.toThrow(/5 tokens long but blockSize is 4/);
    model.dispose();
  });

  it("leaves no tensor behind, restores training mode, and honours limit", async () => {
    const model = new BigramPositionModel(V, 8);
    const examples = [
      { context: "a", choices: ["b", "c"], label: 0 },
      { context: "d", choices: ["e"], label: 0 },
    ];
    const before = memory().tensors;
    const result = await evaluateMultipleChoice(model, chars, examples, { limit: 1, batchSize: 1 });
    expect(memory().tensors).toBe(before);
    expect(result.examples).toBe(1);
    expect(model.calls.length).toBe(2);
    expect(model.training).toBe(true);
    model.dispose();
  });

  it("rejects invalid examples, out-of-vocabulary ids and missing inputs with clear errors", async () => {
    const model = new BigramPositionModel(V, 8);
    await expect(evaluateMultipleChoice(model, chars, [{ context: "a", choices: ["b"], label: 1 }])).rejects.toThrow(/zero-shot example 0: .*label: label must index into choices/);
    await expect(evaluateMultipleChoice(model, chars, [])).rejects.toThrow(/no examples to score/);
    const small = new BigramPositionModel(10, 8);
    await expect(evaluateMultipleChoice(small, chars, [{ context: "a", choices: ["z"], label: 0 }])).rejects.toThrow(/token id 26 .* vocabulary \[0, 10\)/);
    await expect(evaluateMultipleChoice(model, chars, [{ context: "a", choices: ["b"], label: 0 }], { blockSize: 9 })).rejects.toThrow(/exceeds the model's blockSize 8/);
    await expect(zeroShotEvaluator.run({ model, tokenizer: chars }, {})).rejects.toThrow(/pass the "examples" input or set the taskFile option/);
    await expect(zeroShotEvaluator.run({ model }, {})).rejects.toThrow(/input "tokenizer" is missing/);
    model.dispose();
    small.dispose();
  });

  it("the plugin reads the taskFile option and reports acc, acc_norm and examples", async () => {
    const model = new BigramPositionModel(V, 8);
    const taskFile = new URL("../fixtures/tiny-task.jsonl", import.meta.url).pathname;
    const { metrics, details } = await zeroShotEvaluator.run({ model, tokenizer: chars }, { taskFile, batchSize: 4 });
    expect(Object.keys(metrics)).toEqual([...zeroShotEvaluator.metrics]);
    expect(metrics.examples).toBe(6);
    expect(details.scores[1].choiceTokens).toEqual([6, 5]);
    // A uniform model scores −tokens · ln V; each example's prediction is its shortest choice.
    expect(details.scores.map((s) => s.prediction)).toEqual([2, 1, 1, 0, 1, 1]);
    expect(metrics.acc).toBeCloseTo(1 / 6, 12); // labels [0, 0, 1, 2, 0, 0]: only the third example
    model.dispose();
  });
});
