import { EvalError } from "./errors.js";
import type { MultipleChoiceExample } from "./types.js";

/**
 * Rows of the paper's zero-shot tasks (method.md §7.2: BoolQ, RTE, HellaSwag, WinoGrande, ARC-Easy/Challenge,
 * OpenBookQA; and PIQA, and MMLU zero-shot where the paper reports it 5-shot) as their Hugging Face datasets hold them, turned into our multiple-choice form with
 * the prompts of EleutherAI's LM-Evaluation-Harness (v0.4 task configs), so a file saved with `datasets`'
 * `to_json` scores as the harness scores it. Each choice is written as the harness appends it: after one space.
 */

type Row = Record<string, unknown>;

interface TaskFormat {
  readonly name: string;
  /** The fields that identify a row of this format (all present). */
  readonly fields: readonly string[];
  toExample(row: Row, where: string): MultipleChoiceExample;
}

const text = (row: Row, key: string, where: string): string => {
  const value = row[key];
  if (typeof value !== "string") throw new EvalError(`${where}: field "${key}" is ${JSON.stringify(value)}, expected a string`);
  return value;
};

/** An integer label, also as the string the Hugging Face rows of HellaSwag store it as. */
const index = (row: Row, key: string, where: string): number => {
  const value = typeof row[key] === "string" && /^\d+$/.test(row[key] as string) ? Number(row[key]) : row[key];
  if (!Number.isInteger(value) || (value as number) < 0) throw new EvalError(`${where}: field "${key}" is ${JSON.stringify(row[key])}, expected the index of the right answer (an unlabelled test split cannot be scored)`);
  return value as number;
};

/** ARC's and OpenBookQA's `choices: { text: [...], label: ["A", …] }` and `answerKey`. */
function lettered(row: Row, where: string): { choices: string[]; label: number } {
  const choices = row.choices as { text?: unknown; label?: unknown };
  if (!Array.isArray(choices?.text) || !Array.isArray(choices?.label) || !choices.text.every((t) => typeof t === "string")) {
    throw new EvalError(`${where}: field "choices" must be { "text": string[], "label": string[] } (ARC, OpenBookQA)`);
  }
  const key = text(row, "answerKey", where).trim();
  const label = (choices.label as unknown[]).indexOf(key);
  if (label < 0) throw new EvalError(`${where}: answerKey "${key}" is not one of the choices' labels (${(choices.label as unknown[]).join(", ")})`);
  return { choices: (choices.text as string[]).map((t) => ` ${t}`), label };
}

/** HellaSwag's clean-up of WikiHow artefacts ("[title]", other bracketed tags, double spaces). */
function hellaswagText(value: string): string {
  return value.trim().replaceAll(" [title]", ". ").replace(/\[.*?\]/g, "").replaceAll("  ", " ");
}

/** Python's str.capitalize: the first character upper case, the rest lower case. */
const capitalize = (value: string) => value.charAt(0).toUpperCase() + value.slice(1).toLowerCase();

/** The formats, most specific first (a native row also has `choices`, as ARC's do). */
export const TASK_FORMATS: readonly TaskFormat[] = [
  {
    name: "ours { context, choices, label }",
    fields: ["context", "choices", "label"],
    toExample: (row) => row as unknown as MultipleChoiceExample, // checked by the caller, field by field
  },
  {
    name: "HellaSwag { activity_label, ctx_a, ctx_b, endings, label }",
    fields: ["activity_label", "ctx_a", "ctx_b", "endings", "label"],
    toExample(row, where) {
      const endings = row.endings;
      if (!Array.isArray(endings) || !endings.every((e) => typeof e === "string")) throw new EvalError(`${where}: field "endings" must be a list of strings (HellaSwag)`);
      const context = `${text(row, "ctx_a", where)} ${capitalize(text(row, "ctx_b", where))}`;
      return { context: hellaswagText(`${text(row, "activity_label", where)}: ${context}`), choices: endings.map((e) => ` ${hellaswagText(e)}`), label: index(row, "label", where) };
    },
  },
  {
    name: "WinoGrande { sentence, option1, option2, answer }",
    fields: ["sentence", "option1", "option2", "answer"],
    toExample(row, where) {
      // Partial scoring: each option takes the blank's place in the context, and both score the rest of the sentence.
      const sentence = text(row, "sentence", where);
      const blank = sentence.indexOf("_");
      if (blank < 0) throw new EvalError(`${where}: the WinoGrande sentence has no "_" for the options to fill`);
      const rest = ` ${sentence.slice(blank + 1).trim()}`;
      const answer = text(row, "answer", where);
      if (answer !== "1" && answer !== "2") throw new EvalError(`${where}: field "answer" is ${JSON.stringify(answer)}, expected "1" or "2"`);
      const contexts = [text(row, "option1", where), text(row, "option2", where)].map((option) => sentence.slice(0, blank) + option);
      return { context: "", contexts, choices: [rest, rest], label: Number(answer) - 1 };
    },
  },
  {
    name: "PIQA { goal, sol1, sol2, label }",
    fields: ["goal", "sol1", "sol2", "label"],
    toExample: (row, where) => ({ context: `Question: ${text(row, "goal", where)}\nAnswer:`, choices: [` ${text(row, "sol1", where)}`, ` ${text(row, "sol2", where)}`], label: index(row, "label", where) }),
  },
  {
    name: "BoolQ { passage, question, label | answer }",
    fields: ["passage", "question"],
    toExample(row, where) {
      const label = typeof row.answer === "boolean" ? Number(row.answer) : index(row, "label", where);
      return { context: `${text(row, "passage", where)}\nQuestion: ${text(row, "question", where)}?\nAnswer:`, choices: [" no", " yes"], label };
    },
  },
  {
    name: "RTE { premise, hypothesis, label }",
    fields: ["premise", "hypothesis", "label"],
    toExample: (row, where) => ({ context: `${text(row, "premise", where)}\nQuestion: ${text(row, "hypothesis", where)} True or False?\nAnswer:`, choices: [" True", " False"], label: index(row, "label", where) }),
  },
  {
    name: "RTE (GLUE) { sentence1, sentence2, label }",
    fields: ["sentence1", "sentence2", "label"],
    toExample: (row, where) => ({ context: `${text(row, "sentence1", where)}\nQuestion: ${text(row, "sentence2", where)} True or False?\nAnswer:`, choices: [" True", " False"], label: index(row, "label", where) }),
  },
  {
    name: "MMLU { question, choices, answer[, subject] } (zero-shot)",
    fields: ["question", "choices", "answer"],
    toExample(row, where) {
      const choices = row.choices;
      if (!Array.isArray(choices) || !choices.every((c) => typeof c === "string") || choices.length < 1 || choices.length > 26) {
        throw new EvalError(`${where}: field "choices" must be a list of 1 to 26 strings (MMLU)`);
      }
      const letters = choices.map((_, i) => String.fromCharCode(65 + i));
      const about = typeof row.subject === "string" ? `The following are multiple choice questions (with answers) about ${row.subject.replaceAll("_", " ")}.\n\n` : "";
      const listed = choices.map((choice, i) => `\n${letters[i]}. ${choice}`).join("");
      return { context: `${about}${text(row, "question", where).trim()}${listed}\nAnswer:`, choices: letters.map((l) => ` ${l}`), label: index(row, "answer", where) };
    },
  },
  {
    name: "OpenBookQA { question_stem, choices, answerKey }",
    fields: ["question_stem", "choices", "answerKey"],
    toExample: (row, where) => ({ context: text(row, "question_stem", where), ...lettered(row, where) }),
  },
  {
    name: "ARC { question, choices, answerKey }",
    fields: ["question", "choices", "answerKey"],
    toExample: (row, where) => ({ context: `Question: ${text(row, "question", where)}\nAnswer:`, ...lettered(row, where) }),
  },
];

/**
 * One task row as a multiple-choice example: our own `{ context, choices, label }` as it is, or a row of a
 * known task (recognised by its fields) in the harness's prompt.
 * @throws EvalError naming `where` and the formats it knows, for a row of none of them
 */
export function taskExample(row: unknown, where: string): MultipleChoiceExample {
  if (typeof row !== "object" || row === null || Array.isArray(row)) throw new EvalError(`${where}: expected a JSON object, got ${JSON.stringify(row)}`);
  // A row that has some of our own fields is ours with a mistake: the schema then says which field.
  const format = TASK_FORMATS.find(({ fields }) => fields.every((field) => field in row)) ?? ("context" in row || "label" in row ? TASK_FORMATS[0] : undefined);
  if (!format) {
    throw new EvalError(`${where}: a row with fields ${Object.keys(row).join(", ") || "(none)"} is no task format this reads; the formats: ${TASK_FORMATS.map((f) => f.name).join("; ")}`);
  }
  return format.toExample(row as Row, where);
}
