import { z } from "zod";
import { EvalError } from "./errors.js";
import { taskExample } from "./task-formats.js";
import type { MultipleChoiceExample } from "./types.js";

/**
 * Schema of one task line. Extra fields (an `id`, a `source`) are allowed and ignored; the three
 * fields below are required.
 */
export const multipleChoiceExampleSchema = z
  .object({
    context: z.string(),
    choices: z.array(z.string().min(1, "a choice must not be empty")).min(1, "at least one choice is needed"),
    label: z.number().int().min(0),
    contexts: z.array(z.string()).optional(),
  })
  .refine((example) => example.label < example.choices.length, { message: "label must index into choices", path: ["label"] })
  .refine((example) => !example.contexts || example.contexts.length === example.choices.length, { message: "needs one context per choice", path: ["contexts"] });

/**
 * Checks one example (from a file or built in code).
 * @throws EvalError naming `where` (e.g. `tasks/arc.jsonl:12`) and each bad field.
 */
export function checkMultipleChoiceExample(value: unknown, where: string): MultipleChoiceExample {
  const result = multipleChoiceExampleSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.map(String).join(".") || "(example)"}: ${issue.message}`);
  throw new EvalError(`${where}: invalid multiple-choice example: ${problems.join("; ")} (expected { "context": string, "choices": string[], "label": index into choices })`);
}

/**
 * Parses a JSONL multiple-choice task: one `{ "context", "choices", "label" }` object per line, or rows of
 * BoolQ, RTE, HellaSwag, WinoGrande, ARC, OpenBookQA, PIQA or MMLU as their Hugging Face datasets hold them
 * (turned into the LM-Evaluation-Harness prompts: task-formats.ts); blank lines are skipped.
 * @param text the file's contents.
 * @param source the file name, for error messages.
 * @throws EvalError naming `source:line` for a line that is not JSON or not a valid example, or when there is no example.
 * @example
 * parseMultipleChoiceJsonl('{"context":"The sky is","choices":[" blue"," green"],"label":0}\n')
 */
export function parseMultipleChoiceJsonl(text: string, source = "task file"): MultipleChoiceExample[] {
  const examples: MultipleChoiceExample[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    const where = `${source}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new EvalError(`${where}: not valid JSON (${(error as Error).message}); each line must be one JSON object`);
    }
    examples.push(checkMultipleChoiceExample(taskExample(value, where), where));
  });
  if (examples.length === 0) throw new EvalError(`${source}: no examples found; write one JSON object per line`);
  return examples;
}

/**
 * Reads a JSONL multiple-choice task file (Node only; `node:fs` is loaded on call, so browser bundles
 * that never call this stay clean).
 * @throws EvalError when the file is missing or malformed.
 */
export async function loadMultipleChoiceTask(path: string): Promise<MultipleChoiceExample[]> {
  const { readFile } = await import("node:fs/promises");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new EvalError(`zero-shot: cannot read task file "${path}" (${(error as Error).message}); check the taskFile option`);
  }
  return parseMultipleChoiceJsonl(text, path);
}
