import { DTypeError, ShapeError, div, exp, formatShape, gt, isFloat, logSoftmax, mul, noGrad, reshape, shapesEqual, softmaxKL, sub, sum, tidy, validateOptions, where, type Tensor } from "@adaptive-sparse/core";
import { z } from "zod";
import { requireInput } from "./require-input.js";
import type { LossPlugin } from "./types.js";

/** Options of the `kl` loss. */
export const klLossOptions = z.strictObject({
  temperature: z.number().positive().default(2).describe("T: both logit sets are divided by T and the loss multiplied by T² (reference: 2; 1 = the paper's Eq. 4)"),
});

/** Options accepted by {@link klLoss}. */
export type KLLossOptions = z.input<typeof klLossOptions>;

function checkLogits(student: Tensor, teacher: Tensor): void {
  if (student.rank === 0 || !shapesEqual(student.shape, teacher.shape)) {
    const sv = student.shape[student.rank - 1];
    const tv = teacher.shape[teacher.rank - 1];
    const vocab = sv !== tv ? ` (vocabularies differ: teacher ${tv}, student ${sv}; the teacher and student must share a tokenizer)` : "";
    throw new ShapeError(`klLoss: teacher logits ${formatShape(teacher.shape)} and student logits ${formatShape(student.shape)} must have the same shape [..., vocab]${vocab}`);
  }
  for (const [name, t] of [["student", student], ["teacher", teacher]] as const) {
    if (!isFloat(t.dtype)) throw new DTypeError(`klLoss: ${name} logits have dtype ${t.dtype}, expected f32`);
  }
}

/**
 * From this vocabulary up the loss is core's `softmaxKL` (one kernel per row where the backend has it, e.g. wasm):
 * at a language model's vocabulary (GPT-2 50257, LLaMA 32000, OPT 50272) the decomposition's ten-odd [N, V]
 * temporaries are hundreds of MB each. Smaller vocabularies keep the decomposition, and with it the exact
 * numerics of runs measured with it (the example app's tables, V = 1024).
 */
export const FUSED_KL_MIN_VOCAB = 8192;

/**
 * Forward KL distillation loss with temperature (method.md §4.1, reference `kl_loss`):
 * `T² · (1/N) · Σ_positions Σ_v p_t (log p_t − log q_s)` with `p_t = softmax(z_t/T)`,
 * `log q_s = logSoftmax(z_s/T)` and N = B·S, every position counted. Direction KL(teacher ‖ student).
 * The teacher is a constant: its probabilities are computed without gradient (a teacher position
 * with p_t = 0 contributes 0, as `xlogy` would).
 *
 * @param studentLogits [..., vocab] (e.g. [batch, seq, vocab]), f32.
 * @param teacherLogits same shape as the student's.
 * @returns a scalar tensor; its gradient flows to the student logits only.
 * @throws ShapeError when the shapes differ (naming both, and both vocabularies); ConfigError for T <= 0.
 * @example
 * const loss = klLoss(studentLogits, teacherLogits, { temperature: 2 });
 */
export function klLoss(studentLogits: Tensor, teacherLogits: Tensor, options: KLLossOptions = {}): Tensor {
  const { temperature } = validateOptions('loss "kl"', klLossOptions, options);
  checkLogits(studentLogits, teacherLogits);
  const vocab = studentLogits.shape[studentLogits.rank - 1]!;
  const positions = studentLogits.size / vocab; // N = B·S
  if (vocab >= FUSED_KL_MIN_VOCAB) {
    const rows = softmaxKL(reshape(studentLogits, [positions, vocab]), reshape(teacherLogits, [positions, vocab]), temperature);
    return mul(sum(rows), (temperature * temperature) / positions);
  }
  const [teacherProbs, teacherNegEntropy] = noGrad(() =>
    tidy(() => {
      const logP = logSoftmax(div(teacherLogits, temperature), -1); // [..., V]
      const p = exp(logP);
      return [p, sum(where(gt(p, 0), mul(p, logP), 0))]; // Σ p log p over all positions
    }),
  );
  const logQ = logSoftmax(div(studentLogits, temperature), -1); // [..., V]
  const crossEntropy = sum(mul(teacherProbs, logQ)); // Σ p log q
  return mul(sub(teacherNegEntropy, crossEntropy), (temperature * temperature) / positions);
}

/** Registry plugin `kl` (kind `loss`): reads `studentLogits` and `teacherLogits`. */
export const klLossPlugin: LossPlugin<KLLossOptions> = {
  name: "kl",
  apiVersion: 1,
  description: "T² · mean over positions of KL(teacher ‖ student) on temperature-softened logits",
  options: klLossOptions,
  needs: ["studentLogits", "teacherLogits"],
  create(options = {}) {
    const checked = validateOptions('loss "kl"', klLossOptions, options);
    return (inputs) => klLoss(requireInput("kl", inputs, "studentLogits"), requireInput("kl", inputs, "teacherLogits"), checked);
  },
};
