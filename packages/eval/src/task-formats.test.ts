import { describe, expect, it } from "vitest";
import { EvalError } from "./errors.js";
import { parseMultipleChoiceJsonl } from "./multiple-choice-task.js";
import { taskExample } from "./task-formats.js";

// Rows with the fields of each task's Hugging Face dataset (as `datasets`' to_json writes them), and the
// example each becomes: the prompts of LM-Evaluation-Harness v0.4's task configs, choices after one space.
describe("task rows of the paper's zero-shot tasks", () => {
  it("BoolQ (super_glue label, or google/boolq's answer)", () => {
    const expected = { context: "Ducks swim in ponds.\nQuestion: do ducks swim?\nAnswer:", choices: [" no", " yes"], label: 1 };
    expect(taskExample({ question: "do ducks swim", passage: "Ducks swim in ponds.", idx: 0, label: 1 }, "boolq:1")).toEqual(expected);
    expect(taskExample({ question: "do ducks swim", answer: true, passage: "Ducks swim in ponds." }, "boolq:1")).toEqual(expected);
  });

  it("RTE (super_glue and GLUE field names; label 0 is entailment, the choice True)", () => {
    const expected = { context: "A cat sat.\nQuestion: An animal sat. True or False?\nAnswer:", choices: [" True", " False"], label: 0 };
    expect(taskExample({ premise: "A cat sat.", hypothesis: "An animal sat.", idx: 3, label: 0 }, "rte:1")).toEqual(expected);
    expect(taskExample({ sentence1: "A cat sat.", sentence2: "An animal sat.", label: 0, idx: 3 }, "rte:1")).toEqual(expected);
  });

  it("HellaSwag: activity label, ctx_a and a capitalised ctx_b; WikiHow tags cleaned; the string label", () => {
    const row = {
      ind: 4, activity_label: "Baking cookies", ctx_a: "A woman mixes dough.", ctx_b: "she THEN", source_id: "x", split: "val", split_type: "indomain",
      endings: [" puts the tray in the oven [title] Wait.", "eats  the dough [step] fast.", "leaves.", "sings."], label: "0",
    };
    expect(taskExample(row, "hellaswag:1")).toEqual({
      context: "Baking cookies: A woman mixes dough. She then",
      choices: [" puts the tray in the oven. Wait.", " eats the dough fast.", " leaves.", " sings."],
      label: 0,
    });
  });

  it("WinoGrande: each option fills the blank in its own context; both score the rest of the sentence", () => {
    const row = { sentence: "The trophy didn't fit in the suitcase because the _ was too big.", option1: "trophy", option2: "suitcase", answer: "1" };
    expect(taskExample(row, "winogrande:1")).toEqual({
      context: "",
      contexts: ["The trophy didn't fit in the suitcase because the trophy", "The trophy didn't fit in the suitcase because the suitcase"],
      choices: [" was too big.", " was too big."],
      label: 0,
    });
    expect(() => taskExample({ ...row, answer: "" }, "winogrande:2")).toThrow('winogrande:2: field "answer" is "", expected "1" or "2"');
  });

  it("ARC and OpenBookQA: lettered (or numbered) choices and the answer key", () => {
    const choices = { text: ["Sun", "Moon", "Mars"], label: ["A", "B", "C"] };
    expect(taskExample({ id: "q", question: "What gives us daylight?", choices, answerKey: "A" }, "arc:1")).toEqual({
      context: "Question: What gives us daylight?\nAnswer:", choices: [" Sun", " Moon", " Mars"], label: 0,
    });
    expect(taskExample({ id: "q", question: "Which is a planet?", choices: { text: ["Sun", "Mars"], label: ["1", "2"] }, answerKey: "2" }, "arc:2")).toMatchObject({ label: 1 });
    expect(taskExample({ id: "7", question_stem: "The Moon orbits", choices, answerKey: "B " }, "obqa:1")).toEqual({
      context: "The Moon orbits", choices: [" Sun", " Moon", " Mars"], label: 1,
    });
    expect(() => taskExample({ question: "q", choices, answerKey: "D" }, "arc:3")).toThrow('arc:3: answerKey "D" is not one of the choices\' labels (A, B, C)');
  });

  it("MMLU (cais/mmlu), zero-shot: the subject's line, lettered choices, the letter scored", () => {
    const row = { question: " What is 2 + 2? ", subject: "elementary_mathematics", choices: ["3", "4", "5", "22"], answer: 1 };
    expect(taskExample(row, "mmlu:1")).toEqual({
      context: "The following are multiple choice questions (with answers) about elementary mathematics.\n\nWhat is 2 + 2?\nA. 3\nB. 4\nC. 5\nD. 22\nAnswer:",
      choices: [" A", " B", " C", " D"],
      label: 1,
    });
    expect(taskExample({ question: "Q", choices: ["x", "y"], answer: 0 }, "mmlu:2")).toEqual({ context: "Q\nA. x\nB. y\nAnswer:", choices: [" A", " B"], label: 0 });
  });

  it("PIQA", () => {
    expect(taskExample({ goal: "Open a jar", sol1: "Twist the lid.", sol2: "Paint the lid.", label: 0 }, "piqa:1")).toEqual({
      context: "Question: Open a jar\nAnswer:", choices: [" Twist the lid.", " Paint the lid."], label: 0,
    });
  });

  it("a row of no known format names its fields and lists the formats; an unlabelled row says why it cannot be scored", () => {
    expect(() => taskExample({ prompt: "2+2?", options: ["3", "4"], answer: 1 }, "t.jsonl:1")).toThrow(EvalError);
    expect(() => taskExample({ prompt: "2+2?", options: ["3", "4"], answer: 1 }, "t.jsonl:1")).toThrow(
      /^t\.jsonl:1: a row with fields prompt, options, answer is no task format this reads; the formats: ours \{ context, choices, label \}; HellaSwag/,
    );
    expect(() => taskExample({ goal: "g", sol1: "a", sol2: "b", label: -1 }, "piqa:9")).toThrow('piqa:9: field "label" is -1, expected the index of the right answer (an unlabelled test split cannot be scored)');
  });

  it("a task file mixes nothing up: each line is read by its own fields", () => {
    const lines = [
      JSON.stringify({ context: "a", choices: [" b"], label: 0 }),
      JSON.stringify({ goal: "g", sol1: "x", sol2: "y", label: 1 }),
    ].join("\n");
    expect(parseMultipleChoiceJsonl(lines, "mixed.jsonl")).toEqual([
      { context: "a", choices: [" b"], label: 0 },
      { context: "Question: g\nAnswer:", choices: [" x", " y"], label: 1 },
    ]);
  });
});
