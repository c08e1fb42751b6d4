import { crossEntropy, validateOptions, type Tensor } from "@adaptive-sparse/core";
import { z } from "zod";
import { requireInput } from "./require-input.js";
import type { LossPlugin } from "./types.js";

/** Options of the `ce` loss. */
export const ceLossOptions = z.strictObject({
  ignoreIndex: z.number().int().default(-100).describe("targets equal to this are skipped (PyTorch's default -100)"),
});

/** Options accepted by {@link ceLoss}. */
export type CELossOptions = z.input<typeof ceLossOptions>;

/**
 * The task loss: next-token cross-entropy, the mean over non-ignored targets (core's `crossEntropy`).
 * @param logits [..., vocab] f32.
 * @param targets i32 [...] (the logits' leading shape).
 * @returns a scalar tensor.
 * @throws ShapeError / DTypeError from core for mismatched targets.
 * @example
 * const loss = ceLoss(studentLogits, targets);
 */
export function ceLoss(logits: Tensor, targets: Tensor, options: CELossOptions = {}): Tensor {
  const { ignoreIndex } = validateOptions('loss "ce"', ceLossOptions, options);
  return crossEntropy(logits, targets, { ignoreIndex });
}

/** Registry plugin `ce` (kind `loss`): reads `studentLogits` and `targets`. */
export const ceLossPlugin: LossPlugin<CELossOptions> = {
  name: "ce",
  apiVersion: 1,
  description: "next-token cross-entropy (mean over non-ignored targets)",
  options: ceLossOptions,
  needs: ["studentLogits", "targets"],
  create(options = {}) {
    const checked = validateOptions('loss "ce"', ceLossOptions, options);
    return (inputs) => ceLoss(requireInput("ce", inputs, "studentLogits"), requireInput("ce", inputs, "targets"), checked);
  },
};
