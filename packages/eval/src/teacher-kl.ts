import { ConfigError, exp, logSoftmax, mean, mul, slice, sub, sum, type Backend, type Tensor } from "@adaptive-sparse/core";
import { checkTokenIds } from "./check-tokens.js";
import { EvalError } from "./errors.js";
import { inEvalMode } from "./model-mode.js";
import { perplexityWindows } from "./perplexity.js";
import type { LanguageModel } from "./types.js";
import { sumOverWindows } from "./window-sum.js";

/** Options of {@link evaluateTeacherKL}: the windows of {@link evaluatePerplexity}. */
export interface TeacherKLOptions {
  /** Windows per forward pass (default 2). */
  readonly batchSize?: number;
  /** Score only the first maxWindows windows. */
  readonly maxWindows?: number;
}

/**
 * How far a pruned model's predictions are from its teacher's: the mean per-token KL(teacher ‖ student)
 * in nats (temperature 1) over the same windows and predicted positions as {@link evaluatePerplexity}
 * (non-overlapping windows of the student's blockSize, positions 1..L−1, mean per window, then over
 * windows). Perplexity on text the teacher predicts badly can even fall when pruning perturbs the
 * teacher; the KL says how much of the teacher a method kept. Both models go into eval mode and back.
 *
 * @throws EvalError when the stream is shorter than one window or holds an id outside the vocabulary;
 *   ConfigError when the two models' vocabularies differ.
 * @example
 * const { kl } = await evaluateTeacherKL(teacher, pruned, heldOutTokens, { batchSize: 8, maxWindows: 150 });
 */
export async function evaluateTeacherKL(teacher: LanguageModel, student: LanguageModel, tokens: ArrayLike<number>, options: TeacherKLOptions = {}, backend?: Backend): Promise<{ kl: number; windows: number }> {
  const { batchSize = 2, maxWindows } = options;
  const V = student.config.vocabSize;
  if (teacher.config.vocabSize !== V) throw new ConfigError(`evaluateTeacherKL: the teacher has ${teacher.config.vocabSize} logits per token, the student ${V}; both must share one vocabulary`);
  const L = Math.min(student.config.blockSize, teacher.config.blockSize);
  const fit = perplexityWindows(tokens.length, L);
  if (fit === 0) throw new EvalError(`evaluateTeacherKL: the token stream has ${tokens.length} tokens but one window needs ${L}; pass a longer stream`);
  const windows = Math.min(fit, maxWindows ?? fit);
  checkTokenIds("evaluateTeacherKL", tokens, V, "tokenise the stream with the models' tokenizer", windows * L);
  backend ??= student.backend ?? undefined;
  const total = await inEvalMode(teacher, () =>
    inEvalMode(student, () =>
      sumOverWindows(tokens, L, windows, batchSize, backend, (idx, B) => {
        const predicting = (logits: Tensor) => logSoftmax(slice(logits, [0, 0, 0], [B, L - 1, V]), -1);
        const logT = predicting(teacher.forward(idx).logits);
        const logS = predicting(student.forward(idx).logits);
        return mean(sum(mul(exp(logT), sub(logT, logS)), -1), 1); // [B]: KL per token, averaged over the window
      }),
    ),
  );
  return { kl: total / windows, windows };
}
