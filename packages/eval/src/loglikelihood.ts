import { crossEntropy, noGrad, sum, tensor, tidy, type Backend } from "@adaptive-sparse/core";
import { EvalError } from "./errors.js";
import type { EncodedPair } from "./encode-pair.js";
import type { LanguageModel } from "./types.js";

/** How {@link scoreContinuations} batches and truncates. */
export interface ScoreOptions {
  /** Longest input fed to the model (the harness's max_length). */
  readonly blockSize: number;
  /** Requests per forward pass. */
  readonly batchSize: number;
  readonly backend?: Backend;
}

const IGNORE = -100;

/**
 * Sum of log p(continuation tokens | context) for each request, as LM-Evaluation-Harness's
 * `loglikelihood`: the last `blockSize + 1` tokens of context + continuation are kept (the context is
 * left-truncated), the final token is dropped, and the last `continuation.length` positions of that
 * input are scored. Requests in a batch are right-padded with token 0; the padding sits after every
 * scored position, so a causal model's scores do not change.
 *
 * The caller puts the model in eval mode; this runs under `noGrad` and `tidy` per batch.
 * @returns natural-log likelihoods, one per request, in request order.
 * @throws EvalError when a continuation is longer than `blockSize` tokens.
 */
export async function scoreContinuations(model: LanguageModel, requests: readonly EncodedPair[], options: ScoreOptions): Promise<number[]> {
  const { blockSize: L, batchSize, backend } = options;
  const inputs = requests.map(({ context, continuation }) => {
    if (continuation.length > L) {
      throw new EvalError(`zero-shot: a choice is ${continuation.length} tokens long but blockSize is ${L}; at most blockSize continuation tokens can be scored in one pass`);
    }
    const window = [...context, ...continuation].slice(-(L + 1)); // left-truncate the context
    return { ids: window.slice(0, -1), scored: continuation }; // the model reads all but the last token
  });
  const scores: number[] = [];
  for (let first = 0; first < inputs.length; first += batchSize) {
    const batch = inputs.slice(first, first + batchSize);
    const B = batch.length;
    const T = Math.max(...batch.map((input) => input.ids.length));
    const ids = new Int32Array(B * T); // right-padded with token 0
    const targets = new Int32Array(B * T).fill(IGNORE);
    batch.forEach(({ ids: row, scored }, b) => {
      ids.set(row, b * T);
      // Position p predicts token p + 1 of the window; the scored tokens are the window's last ones.
      targets.set(scored, b * T + row.length - scored.length);
    });
    const negative = noGrad(() =>
      tidy(() => {
        const idx = tensor(ids, { shape: [B, T], dtype: "i32", backend });
        const target = tensor(targets, { shape: [B, T], dtype: "i32", backend });
        const { logits } = model.forward(idx); // [B, T, V]
        return sum(crossEntropy(logits, target, { ignoreIndex: IGNORE, reduction: "none" }), 1); // −Σ log p, [B]
      }),
    );
    try {
      const values = await negative.data();
      for (let b = 0; b < B; b++) scores.push(-values[b]);
    } finally {
      negative.dispose();
    }
  }
  return scores;
}
