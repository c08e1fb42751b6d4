import { ConfigError, crossEntropy, mean, slice, validateOptions, type Backend } from "@adaptive-sparse/core";
import { z } from "zod";
import { checkTokenIds } from "./check-tokens.js";
import { EvalError } from "./errors.js";
import { inEvalMode } from "./model-mode.js";
import { requireInput } from "./require-input.js";
import type { EvaluatorPlugin, LanguageModel } from "./types.js";
import { sumOverWindows } from "./window-sum.js";

/** Options of the `perplexity` evaluator. */
export const perplexityOptions = z.strictObject({
  blockSize: z.number().int().min(2).optional().describe("L: window length in tokens (default: the model's blockSize; at most that)"),
  batchSize: z.number().int().positive().default(2).describe("windows per forward pass (reference: 2)"),
  maxWindows: z.number().int().positive().optional().describe("score only the first maxWindows windows (for quick checks during training)"),
});

/** Options accepted by {@link evaluatePerplexity}. */
export type PerplexityOptions = z.input<typeof perplexityOptions>;

/** Result of {@link evaluatePerplexity}. */
export interface PerplexityResult {
  /** exp(loss). */
  readonly perplexity: number;
  /** Mean over windows of each window's mean cross-entropy (nats). */
  readonly loss: number;
  /** Windows scored: min(floor(N / L), maxWindows). */
  readonly windows: number;
  /** Predicted tokens counted: windows · (L − 1). */
  readonly tokens: number;
}

/**
 * How many non-overlapping windows of `blockSize` tokens fit in `tokenCount` tokens (the tail is dropped).
 * @example perplexityWindows(1000, 64) // 15 (15 · 63 = 945 predictions)
 */
export function perplexityWindows(tokenCount: number, blockSize: number): number {
  return Math.floor(tokenCount / blockSize);
}

/**
 * Perplexity over non-overlapping windows, exactly method.md §7.1 (reference `utils.eval_ppl`):
 * `floor(N / L)` windows of L tokens, tail dropped; in each window tokens 2..L are predicted from
 * positions 1..L−1 (the first token is never predicted); `PPL = exp(mean over windows of the window's
 * mean cross-entropy)`. The model is put in eval mode (and back), and every batch runs under `noGrad`
 * and `tidy`, so no tensor outlives the call.
 *
 * @param model a causal LM whose `forward` takes i32 [B, L] and returns logits [B, L, V].
 * @param tokens the whole token stream (e.g. WikiText-2 test tokenised once), ids in [0, V).
 * @param options `{ blockSize?, batchSize = 2, maxWindows? }`.
 * @param backend where the input batches are made (default: the model's backend, else core's default).
 * @returns `{ perplexity, loss, windows, tokens }`.
 * @throws EvalError when the stream is shorter than one window or holds an id outside the vocabulary;
 *   ConfigError on invalid options or a blockSize larger than the model's.
 * @example
 * const { perplexity } = await evaluatePerplexity(gpt, testTokens, { batchSize: 2 }); // 280 windows for GPT-2 on WikiText-2
 */
export async function evaluatePerplexity(model: LanguageModel, tokens: ArrayLike<number>, options: PerplexityOptions = {}, backend?: Backend): Promise<PerplexityResult> {
  const checked = validateOptions('evaluator "perplexity"', perplexityOptions, options);
  backend ??= model.backend ?? undefined;
  const modelBlock = model.config.blockSize;
  const L = checked.blockSize ?? modelBlock;
  if (L > modelBlock) {
    throw new ConfigError(`evaluator "perplexity": blockSize ${L} exceeds the model's blockSize ${modelBlock}; set blockSize to at most ${modelBlock} or omit it`);
  }
  if (L < 2) throw new ConfigError(`evaluator "perplexity": the model's blockSize ${L} leaves no token to predict; a window needs at least 2 tokens`);
  const fit = perplexityWindows(tokens.length, L);
  if (fit === 0) {
    throw new EvalError(`evaluator "perplexity": the token stream has ${tokens.length} tokens but one window needs blockSize = ${L}; pass a longer stream or a smaller blockSize option`);
  }
  const windows = Math.min(fit, checked.maxWindows ?? fit);
  checkTokenIds('evaluator "perplexity"', tokens, model.config.vocabSize, "tokenise the stream with the model's tokenizer", windows * L);

  const lossSum = await inEvalMode(model, () =>
    sumOverWindows(tokens, L, windows, checked.batchSize, backend, (idx, B) => {
      const targets = slice(idx, [0, 1], [B, L - 1]); // tokens 2..L, i32 [B, L-1]
      const { logits } = model.forward(idx); // [B, L, V]
      const V = logits.shape[2];
      const predicting = slice(logits, [0, 0, 0], [B, L - 1, V]); // positions 1..L-1: [B, L-1, V]
      return mean(crossEntropy(predicting, targets, { reduction: "none" }), 1); // [B]
    }),
  );
  const loss = lossSum / windows;
  return { perplexity: Math.exp(loss), loss, windows, tokens: windows * (L - 1) };
}

/** Registry plugin `perplexity` (kind `evaluator`): reads `model` and `tokens`. */
export const perplexityEvaluator: EvaluatorPlugin<PerplexityOptions, PerplexityResult> = {
  name: "perplexity",
  apiVersion: 1,
  description: "exp(mean cross-entropy) over non-overlapping blockSize windows of a token stream (method.md §7.1)",
  options: perplexityOptions,
  needs: ["model", "tokens"],
  metrics: ["perplexity", "loss", "windows", "tokens"],
  async run(inputs, options = {}) {
    validateOptions('evaluator "perplexity"', perplexityOptions, options);
    const model = requireInput("perplexity", inputs, "model");
    const details = await evaluatePerplexity(model, requireInput("perplexity", inputs, "tokens"), options, inputs.backend);
    return { metrics: { ...details }, details };
  },
};
