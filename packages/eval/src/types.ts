import type { Backend, Tensor } from "@adaptive-sparse/core";
import type { ZodType } from "zod";

/**
 * The least an evaluator needs from a causal language model. Every `CausalLM` of `@adaptive-sparse/nn`
 * (GPT and the other families) satisfies it structurally; this package does not import nn (plugins never
 * import each other).
 */
export interface LanguageModel {
  readonly config: { readonly blockSize: number; readonly vocabSize: number };
  /** Where the model's weights live (nn's `Module.backend`); input batches are made there unless `backend` is given. */
  readonly backend?: Backend | null;
  /**
   * @param idx i32 [B, T] token ids, T <= blockSize
   * @returns logits [B, T, V]; position t must depend on tokens 0..t only (causal), which the
   *   zero-shot evaluator relies on when it right-pads a batch.
   */
  forward(idx: Tensor): { logits: Tensor };
  /** Switches dropout off; called before evaluating when present. */
  eval?(): void;
  /** Switches back to training mode; called afterwards when `training` was true. */
  train?(): void;
  /** True in training mode; read so the evaluators can restore the mode they found. */
  readonly training?: boolean;
}

/** Turns text into token ids (`@adaptive-sparse/data`'s tokenizers fit). */
export interface TokenEncoder {
  encode(text: string): ArrayLike<number>;
  /** End-of-text id; the zero-shot evaluator uses it as the context of an example whose context is empty. */
  readonly eotToken?: number;
}

/** One multiple-choice example (one line of a task JSONL file). */
export interface MultipleChoiceExample {
  /** Text before the answer, e.g. `"Question: ...\nAnswer:"`. May be empty. */
  readonly context: string;
  /** Candidate continuations, as appended to the context (usually with a leading space). */
  readonly choices: readonly string[];
  /** Index of the correct choice. */
  readonly label: number;
  /**
   * One context per choice, in place of `context` (WinoGrande's partial scoring: each option fills the blank
   * in its own context, and every choice is the same rest of the sentence).
   */
  readonly contexts?: readonly string[];
}

/** A weight matrix by name, row-major `[rows, cols]` (`data[r * cols + c]`), as exported. */
export interface NamedWeight {
  readonly name: string;
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;
}

/** Everything an evaluator may read. Each evaluator takes what it `needs` and throws `EvalError` naming a missing input. */
export interface EvaluatorInputs {
  readonly model?: LanguageModel;
  /** A token stream (e.g. the WikiText-2 test split tokenised once), for `perplexity`. */
  readonly tokens?: ArrayLike<number>;
  readonly tokenizer?: TokenEncoder;
  /** Multiple-choice examples for `zero-shot` (or give its `taskFile` option). */
  readonly examples?: readonly MultipleChoiceExample[];
  /** Named weight matrices for `nm-validity`. */
  readonly weights?: readonly NamedWeight[];
  /** Where input tensors are made; default: the model's `backend`, else core's default backend. Must be the model's backend. */
  readonly backend?: Backend;
}

/** What every evaluator returns. */
export interface EvaluationResult<Details = unknown> {
  /** Metric key → value; the keys are listed in the plugin's `metrics` (style.md §2.6). */
  readonly metrics: Record<string, number>;
  /** The full typed result of the evaluator's function (e.g. the per-layer N:M report). */
  readonly details: Details;
}

/**
 * An evaluator plugin (registry kind `evaluator`). `run` validates its options first (ConfigError naming
 * the bad key), then reads the inputs it `needs`.
 */
export interface EvaluatorPlugin<Options = unknown, Details = unknown> {
  /** Registry name, kebab-case (`perplexity`, `zero-shot`, `nm-validity`, `throughput`). */
  readonly name: string;
  readonly apiVersion: 1;
  /** One line for CLI help and error messages. */
  readonly description: string;
  /** The zod schema of the options (a strict object: unknown keys are errors). */
  readonly options: ZodType;
  /** The inputs `run` reads. */
  readonly needs: readonly (keyof EvaluatorInputs)[];
  /** The metric keys `run` reports. */
  readonly metrics: readonly string[];
  run(inputs: EvaluatorInputs, options?: Options): Promise<EvaluationResult<Details>>;
}

declare module "@adaptive-sparse/core" {
  interface PluginKinds {
    evaluator: EvaluatorPlugin;
  }
}
