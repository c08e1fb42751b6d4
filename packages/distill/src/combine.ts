import { ShapeError, add, formatShape, mul, validateOptions, type Tensor } from "@adaptive-sparse/core";
import { z } from "zod";
import { DistillError } from "./errors.js";

/** Weights of the combined loss `wTask·CE + wKL·KL_T + wSq·SquareHead` (method.md §4.3); GPT-2 README defaults. */
export const lossWeights = z.strictObject({
  wTask: z.number().nonnegative().default(0.33).describe("weight of the task cross-entropy"),
  wKL: z.number().nonnegative().default(0.67).describe("weight of the logit KL"),
  wSq: z.number().nonnegative().default(0).describe("weight of the SquareHead layerwise loss"),
});

/** Weights accepted by {@link combineLosses} (each optional; defaults 0.33 / 0.67 / 0). */
export type LossWeights = z.input<typeof lossWeights>;

/**
 * The recipes of method.md §4.3: `gpt2` (GPT-2/OPT README: 0.33·CE + 0.67·KL), `llama` (CE + 0.5·KL),
 * `ce` (no distillation). All use T = 2 for the KL.
 */
export const LOSS_WEIGHT_PRESETS = Object.freeze({
  gpt2: Object.freeze({ wTask: 0.33, wKL: 0.67, wSq: 0 }),
  llama: Object.freeze({ wTask: 1, wKL: 0.5, wSq: 0 }),
  ce: Object.freeze({ wTask: 1, wKL: 0, wSq: 0 }),
});

/** The loss terms of one step (scalar tensors); any may be absent when its weight is 0. */
export interface LossTerms {
  readonly task?: Tensor;
  readonly kl?: Tensor;
  readonly layerwise?: Tensor;
}

const TERMS = [
  ["task", "wTask", "ceLoss(studentLogits, targets)"],
  ["kl", "wKL", "klLoss(studentLogits, teacherLogits)"],
  ["layerwise", "wSq", "layerwiseLoss(studentHidden, teacherHidden)"],
] as const;

/**
 * `wTask·task + wKL·kl + wSq·layerwise` (weights not normalised, as the reference). Terms with weight 0
 * are left out of the graph entirely, so they cost no backward pass and may be omitted.
 * @param terms scalar loss tensors.
 * @param weights defaults `{ wTask: 0.33, wKL: 0.67, wSq: 0 }` (the GPT-2 recipe).
 * @returns a scalar tensor.
 * @throws DistillError when a non-zero weight has no term, or every weight is 0; ShapeError for a
 *   non-scalar term; ConfigError for a negative or unknown weight.
 * @example
 * const loss = combineLosses({ task: ceLoss(logits, targets), kl: klLoss(logits, teacherLogits) }, LOSS_WEIGHT_PRESETS.gpt2);
 */
export function combineLosses(terms: LossTerms, weights: LossWeights = {}): Tensor {
  const resolved = validateOptions("combineLosses weights", lossWeights, weights);
  let total: Tensor | null = null;
  for (const [key, weightKey, how] of TERMS) {
    const weight = resolved[weightKey];
    if (weight === 0) continue;
    const term = terms[key];
    if (!term) throw new DistillError(`combineLosses: ${weightKey} is ${weight} but no "${key}" term was given; compute it with ${how}, or set ${weightKey}: 0`);
    if (term.size !== 1) throw new ShapeError(`combineLosses: the "${key}" term has shape ${formatShape(term.shape)}; each term must be a scalar loss`);
    const weighted = weight === 1 ? term : mul(term, weight);
    total = total ? add(total, weighted) : weighted;
  }
  if (!total) throw new DistillError("combineLosses: every weight is 0 (wTask, wKL, wSq); set at least one to a positive value");
  return total;
}
