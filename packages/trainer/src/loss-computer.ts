import { noGrad, type Tensor } from "@adaptive-sparse/core";
import { combineLosses, type LossInputs } from "@adaptive-sparse/distill";
import type { GPT } from "@adaptive-sparse/nn";
import type { ResolvedLosses } from "./plugins.js";

/** The loss of one micro-batch: the weighted total and its terms (null when a term's weight is 0). */
export interface MicroBatchLoss {
  readonly total: Tensor;
  readonly task: Tensor | null;
  readonly kl: Tensor | null;
  readonly layerwise: Tensor | null;
}

/** Computes the configured loss of a micro-batch; see {@link createLossComputer}. */
export interface LossComputer {
  /**
   * Student forward with its current masks (+ SLoRB), the teacher's forward without gradients when a
   * loss reads it, then `wTask·task + wKL·KL + wSq·layerwise` (method.md §3.9, §4.3). Call it inside the
   * `tidy` that runs backward.
   * @param idx i32 [B, T] inputs; @param targets i32 [B, T] next tokens
   */
  compute(idx: Tensor, targets: Tensor): MicroBatchLoss;
  /** Removes the hidden-state hooks. */
  dispose(): void;
}

/** Records each block's output (the residual stream after the block) during a forward pass. */
function captureBlocks(model: GPT, into: () => Tensor[] | null): () => void {
  const removers = [...model.blocks].map((block) =>
    block.registerForwardHook((_module, _inputs, output) => {
      into()?.push(output);
    }),
  );
  return () => removers.forEach((remove) => remove());
}

/**
 * Builds the loss of a run from its resolved loss plugins. The teacher is only run when a weighted loss
 * reads it, and hidden states are only captured when the layerwise loss is weighted.
 */
export function createLossComputer(losses: ResolvedLosses, student: GPT, teacher: GPT | null): LossComputer {
  let studentHidden: Tensor[] | null = null;
  let teacherHidden: Tensor[] | null = null;
  const removers = losses.needsHidden ? [captureBlocks(student, () => studentHidden), ...(teacher ? [captureBlocks(teacher, () => teacherHidden)] : [])] : [];
  return {
    compute(idx, targets) {
      studentHidden = losses.needsHidden ? [] : null;
      const { logits: studentLogits } = student.forward(idx); // (B, T, V)
      let teacherLogits: Tensor | undefined;
      if (losses.needsTeacher && teacher) {
        teacherHidden = losses.needsHidden ? [] : null;
        teacherLogits = noGrad(() => teacher.forward(idx).logits); // (B, T, V), a constant
      }
      const inputs: LossInputs = {
        studentLogits,
        teacherLogits,
        targets,
        studentHidden: studentHidden ?? undefined,
        teacherHidden: teacherHidden ?? undefined,
      };
      const task = losses.task ? losses.task(inputs) : null;
      const kl = losses.kl ? losses.kl(inputs) : null;
      const layerwise = losses.layerwise ? losses.layerwise(inputs) : null;
      studentHidden = null;
      teacherHidden = null;
      const total = combineLosses({ task: task ?? undefined, kl: kl ?? undefined, layerwise: layerwise ?? undefined }, losses.weights);
      return { total, task, kl, layerwise };
    },
    dispose() {
      removers.forEach((remove) => remove());
    },
  };
}
