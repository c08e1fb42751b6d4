import type { Backend } from "@adaptive-sparse/core";
import { evaluatePerplexity } from "@adaptive-sparse/eval";
import type { CausalLM } from "@adaptive-sparse/nn";
import type { TrainerConfig } from "./config.js";
import type { EvalEvent } from "./events.js";

/**
 * Perplexity of `model` on every validation stream (method.md §7.1: non-overlapping windows, the first
 * token of each window never predicted), with the masks in force and SLoRB on. Training mode is restored.
 * @returns the `eval` event (empty records without validation data)
 */
export async function evaluateValidation(
  model: CausalLM,
  validation: Readonly<Record<string, ArrayLike<number>>> | undefined,
  options: TrainerConfig["eval"],
  backend: Backend,
  step: number,
  final: boolean,
): Promise<EvalEvent> {
  const perplexity: Record<string, number> = {};
  const loss: Record<string, number> = {};
  for (const [name, tokens] of Object.entries(validation ?? {})) {
    const result = await evaluatePerplexity(model, tokens, { batchSize: options.batchSize, maxWindows: options.maxWindows, blockSize: options.blockSize }, backend);
    perplexity[name] = result.perplexity;
    loss[name] = result.loss;
  }
  return { type: "eval", step, final, perplexity, loss };
}
