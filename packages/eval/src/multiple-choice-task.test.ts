import { describe, expect, it } from "vitest";
import { EvalError } from "./errors.js";
import { loadMultipleChoiceTask, parseMultipleChoiceJsonl } from "./multiple-choice-task.js";

describe("multiple-choice task files", () => {
  it("parses one example per line, skipping blank lines and ignoring extra fields", () => {
    const text = '{"context":"a","choices":[" b"," c"],"label":1,"id":"q1"}\n\n{"context":"","choices":["x"],"label":0}\r\n';
    expect(parseMultipleChoiceJsonl(text)).toEqual([
      { context: "a", choices: [" b", " c"], label: 1 },
      { context: "", choices: ["x"], label: 0 },
    ]);
  });

  it("names the file and line of a bad example", () => {
    expect(() => parseMultipleChoiceJsonl('{"context":"a","choices":["b"],"label":0}\n{"context":"a"', "arc.jsonl")).toThrow(/arc\.jsonl:2: not valid JSON/);
    expect(() => parseMultipleChoiceJsonl('{"context":"a","choices":["b"],"label":2}', "arc.jsonl")).toThrow(/arc\.jsonl:1: .*label must index into choices/);
    expect(() => parseMultipleChoiceJsonl('{"context":"a","choices":[],"label":0}', "t")).toThrow(/choices: at least one choice is needed/);
    expect(() => parseMultipleChoiceJsonl('{"context":"a","choices":[""],"label":0}', "t")).toThrow(/a choice must not be empty/);
    expect(() => parseMultipleChoiceJsonl('{"prompt":"a","choices":["b"],"label":0}', "t")).toThrow(/context: /);
    expect(() => parseMultipleChoiceJsonl("\n", "t")).toThrow(/no examples found/);
  });

  it("loads the fixture task file and reports a missing file", async () => {
    const examples = await loadMultipleChoiceTask(new URL("../fixtures/tiny-task.jsonl", import.meta.url).pathname);
    expect(examples.length).toBe(6);
    expect(examples[0]).toEqual({ context: "the sky is", choices: [" blue", " green", " red"], label: 0 });
    await expect(loadMultipleChoiceTask("/nonexistent/task.jsonl")).rejects.toThrow(EvalError);
    await expect(loadMultipleChoiceTask("/nonexistent/task.jsonl")).rejects.toThrow(/cannot read task file "\/nonexistent\/task.jsonl"/);
  });
});
