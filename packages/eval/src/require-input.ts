import { EvalError } from "./errors.js";
import type { EvaluatorInputs } from "./types.js";

/** The named input, or an EvalError saying which evaluator needed it. */
export function requireInput<K extends keyof EvaluatorInputs>(evaluator: string, inputs: EvaluatorInputs | undefined, key: K): NonNullable<EvaluatorInputs[K]> {
  const value = inputs?.[key];
  if (value === undefined || value === null) {
    throw new EvalError(`evaluator "${evaluator}": input "${key}" is missing; pass it in the evaluator inputs ({ model, tokens, tokenizer, examples, weights, backend })`);
  }
  return value as NonNullable<EvaluatorInputs[K]>;
}
