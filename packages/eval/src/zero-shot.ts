import { ConfigError, validateOptions, type Backend } from "@adaptive-sparse/core";
import { z } from "zod";
import { checkTokenIds } from "./check-tokens.js";
import { encodePair, type EncodedPair } from "./encode-pair.js";
import { EvalError } from "./errors.js";
import { scoreContinuations } from "./loglikelihood.js";
import { inEvalMode } from "./model-mode.js";
import { checkMultipleChoiceExample, loadMultipleChoiceTask } from "./multiple-choice-task.js";
import { requireInput } from "./require-input.js";
import type { EvaluatorPlugin, LanguageModel, MultipleChoiceExample, TokenEncoder } from "./types.js";

/** Options of the `zero-shot` evaluator. */
export const zeroShotOptions = z.strictObject({
  taskFile: z.string().min(1).optional().describe("JSONL task file, one { context, choices, label } per line (or pass `examples` as an input)"),
  batchSize: z.number().int().positive().default(8).describe("(example, choice) requests per forward pass"),
  blockSize: z.number().int().positive().optional().describe("longest model input; contexts are left-truncated to fit (default: the model's blockSize)"),
  limit: z.number().int().positive().optional().describe("score only the first `limit` examples"),
});

/** Options accepted by {@link evaluateMultipleChoice} (`taskFile` is read by the plugin only). */
export type ZeroShotOptions = z.input<typeof zeroShotOptions>;

/** Scores of one example. */
export interface MultipleChoiceScore {
  /** Σ log p(choice tokens | context) per choice (natural log). */
  readonly loglikelihoods: number[];
  /** Scored tokens per choice (after the harness's whitespace move). */
  readonly choiceTokens: number[];
  /** Characters (Unicode code points) per choice, the acc_norm divisor. */
  readonly choiceChars: number[];
  /** argmax of the loglikelihoods (first on ties). */
  readonly prediction: number;
  /** argmax of loglikelihood / characters (first on ties). */
  readonly predictionNorm: number;
  readonly label: number;
}

/** Result of {@link evaluateMultipleChoice}. */
export interface MultipleChoiceResult {
  /** Fraction of examples whose highest-likelihood choice is the label. */
  readonly acc: number;
  /** Same with each likelihood divided by the choice's character count (LM-Evaluation-Harness acc_norm). */
  readonly acc_norm: number;
  readonly examples: number;
  readonly scores: MultipleChoiceScore[];
}

/** Index of the first maximum. */
function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/**
 * Zero-shot multiple choice by log-likelihood, as EleutherAI's LM-Evaluation-Harness (method.md §7.2):
 * every choice is scored as Σ log p(choice tokens | context) with the context left-truncated to the
 * block size; `acc` takes the argmax of the sums, `acc_norm` the argmax of sum / length where the
 * length is the choice string's **character count** (Unicode code points, Python's `len(str)`, as the
 * harness's `acc_norm` uses) — not its byte or token count.
 *
 * @param model a causal LM (eval mode is set for the call and restored).
 * @param tokenizer `{ encode(text), eotToken? }`; its ids must be < the model's vocabSize.
 * @param examples `{ context, choices, label }` objects (see {@link parseMultipleChoiceJsonl}).
 * @param options `{ batchSize = 8, blockSize?, limit? }`.
 * @returns `{ acc, acc_norm, examples, scores }` (per-example log-likelihoods and predictions).
 * @throws EvalError for an invalid example or token ids outside the vocabulary; ConfigError for invalid options.
 * @example
 * const { acc, acc_norm } = await evaluateMultipleChoice(gpt, tokenizer, await loadMultipleChoiceTask("arc-easy.jsonl"));
 */
export async function evaluateMultipleChoice(
  model: LanguageModel,
  tokenizer: TokenEncoder,
  examples: readonly MultipleChoiceExample[],
  options: ZeroShotOptions = {},
  backend?: Backend,
): Promise<MultipleChoiceResult> {
  const checked = validateOptions('evaluator "zero-shot"', zeroShotOptions, options);
  backend ??= model.backend ?? undefined; // batches go where the model lives
  const blockSize = checked.blockSize ?? model.config.blockSize;
  if (blockSize > model.config.blockSize) {
    throw new ConfigError(`evaluator "zero-shot": blockSize ${blockSize} exceeds the model's blockSize ${model.config.blockSize}; set it to at most ${model.config.blockSize} or omit it`);
  }
  const chosen = examples.slice(0, checked.limit ?? examples.length).map((example, i) => checkMultipleChoiceExample(example, `zero-shot example ${i}`));
  if (chosen.length === 0) throw new EvalError('evaluator "zero-shot": no examples to score; pass a non-empty task');

  const requests: EncodedPair[] = [];
  for (const example of chosen) {
    for (const [i, choice] of example.choices.entries()) {
      const pair = encodePair(tokenizer, example.contexts?.[i] ?? example.context, choice);
      const hint = "the tokenizer and the model must share a vocabulary";
      checkTokenIds('evaluator "zero-shot"', pair.context, model.config.vocabSize, hint);
      checkTokenIds('evaluator "zero-shot"', pair.continuation, model.config.vocabSize, hint);
      requests.push(pair);
    }
  }
  const loglikelihoods = await inEvalMode(model, () => scoreContinuations(model, requests, { blockSize, batchSize: checked.batchSize, backend }));

  let next = 0;
  const scores = chosen.map((example): MultipleChoiceScore => {
    const count = example.choices.length;
    const lls = loglikelihoods.slice(next, next + count);
    const choiceTokens = requests.slice(next, next + count).map((pair) => pair.continuation.length);
    next += count;
    const choiceChars = example.choices.map((choice) => [...choice].length);
    return {
      loglikelihoods: lls,
      choiceTokens,
      choiceChars,
      prediction: argmax(lls),
      predictionNorm: argmax(lls.map((ll, i) => ll / choiceChars[i])),
      label: example.label,
    };
  });
  const fraction = (hit: (score: MultipleChoiceScore) => boolean) => scores.filter(hit).length / scores.length;
  return {
    acc: fraction((score) => score.prediction === score.label),
    acc_norm: fraction((score) => score.predictionNorm === score.label),
    examples: scores.length,
    scores,
  };
}

/**
 * Registry plugin `zero-shot` (kind `evaluator`): reads `model`, `tokenizer`, and `examples` or the
 * `taskFile` option (the `examples` input wins when both are given).
 */
export const zeroShotEvaluator: EvaluatorPlugin<ZeroShotOptions, MultipleChoiceResult> = {
  name: "zero-shot",
  apiVersion: 1,
  description: "multiple choice by log-likelihood (LM-Evaluation-Harness style): acc and acc_norm (per-character)",
  options: zeroShotOptions,
  needs: ["model", "tokenizer", "examples"],
  metrics: ["acc", "acc_norm", "examples"],
  async run(inputs, options = {}) {
    const checked = validateOptions('evaluator "zero-shot"', zeroShotOptions, options);
    const model = requireInput("zero-shot", inputs, "model");
    const tokenizer = requireInput("zero-shot", inputs, "tokenizer");
    let examples = inputs?.examples;
    if (!examples) {
      if (!checked.taskFile) {
        throw new EvalError('evaluator "zero-shot": no examples; pass the "examples" input or set the taskFile option to a JSONL file');
      }
      examples = await loadMultipleChoiceTask(checked.taskFile);
    }
    const details = await evaluateMultipleChoice(model, tokenizer, examples, options, inputs.backend);
    return { metrics: { acc: details.acc, acc_norm: details.acc_norm, examples: details.examples }, details };
  },
};
