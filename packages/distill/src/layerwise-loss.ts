import { ConfigError, ShapeError, add, div, formatShape, mean, noGrad, shapesEqual, square, sub, validateOptions, type Tensor } from "@adaptive-sparse/core";
import { z } from "zod";
import { requireInput } from "./require-input.js";
import type { LossPlugin } from "./types.js";

/** ε of the SquareHead normaliser: bfloat16's machine epsilon, 2⁻⁷ (method.md §4.2). */
export const SQUARE_HEAD_EPSILON = 2 ** -7;

/** Options of the `layerwise` loss. */
export const layerwiseLossOptions = z.strictObject({
  epsilon: z.number().positive().default(SQUARE_HEAD_EPSILON).describe("added to mean(h_t²); the reference uses 2⁻⁷"),
});

/** Options accepted by {@link layerwiseLoss}. */
export type LayerwiseLossOptions = z.input<typeof layerwiseLossOptions>;

/**
 * SquareHead layerwise distillation loss (method.md §4.2, reference `layerwise_loss`):
 * `Σ_ℓ mean((h_s^ℓ − h_t^ℓ)²) / (mean((h_t^ℓ)²) + ε)`, means over all elements of a layer, layers
 * **summed** (not averaged), ε = 2⁻⁷. Teacher states are constants (no gradient flows to them).
 *
 * @param studentHidden one tensor per block, e.g. [batch, seq, channels] each.
 * @param teacherHidden the teacher's block outputs: same count, same shapes.
 * @returns a scalar tensor.
 * @throws ShapeError when the layer counts or a layer's shapes differ (naming the layer and both shapes);
 *   ConfigError for an empty list.
 * @example
 * const loss = layerwiseLoss(studentBlocks, teacherBlocks);
 */
export function layerwiseLoss(studentHidden: readonly Tensor[], teacherHidden: readonly Tensor[], options: LayerwiseLossOptions = {}): Tensor {
  const { epsilon } = validateOptions('loss "layerwise"', layerwiseLossOptions, options);
  if (studentHidden.length !== teacherHidden.length) {
    throw new ShapeError(`layerwiseLoss: ${studentHidden.length} student layers but ${teacherHidden.length} teacher layers; the SquareHead loss pairs blocks one to one (same depth)`);
  }
  if (studentHidden.length === 0) throw new ConfigError("layerwiseLoss: no hidden states given; collect one block output per layer from student and teacher");
  let total: Tensor | null = null;
  studentHidden.forEach((student, layer) => {
    const teacher = teacherHidden[layer];
    if (!shapesEqual(student.shape, teacher.shape)) {
      throw new ShapeError(`layerwiseLoss: layer ${layer}: student ${formatShape(student.shape)} and teacher ${formatShape(teacher.shape)} differ; SquareHead needs teacher and student of the same width`);
    }
    // The teacher is a constant: a detached copy keeps gradients off it even if it requires grad.
    const constant = teacher.requiresGrad ? teacher.detach() : teacher;
    const scale = noGrad(() => add(mean(square(constant)), epsilon)); // mean(h_t²) + ε
    const term = div(mean(square(sub(student, constant))), scale);
    total = total ? add(total, term) : term;
  });
  return total!;
}

/** Registry plugin `layerwise` (kind `loss`): reads `studentHidden` and `teacherHidden`. */
export const layerwiseLossPlugin: LossPlugin<LayerwiseLossOptions> = {
  name: "layerwise",
  apiVersion: 1,
  description: "SquareHead: Σ over blocks of mean((h_s − h_t)²) / (mean(h_t²) + 2⁻⁷)",
  options: layerwiseLossOptions,
  needs: ["studentHidden", "teacherHidden"],
  create(options = {}) {
    const checked = validateOptions('loss "layerwise"', layerwiseLossOptions, options);
    return (inputs) => layerwiseLoss(requireInput("layerwise", inputs, "studentHidden"), requireInput("layerwise", inputs, "teacherHidden"), checked);
  },
};
