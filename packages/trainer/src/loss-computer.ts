import { noGrad, tensor, tidy, type Backend, type Tensor } from "@adaptive-sparse/core";
import type { WindowBatch } from "@adaptive-sparse/data";
import { combineLosses, type LossInputs } from "@adaptive-sparse/distill";
import { captureHiddenStates, type CausalLM } from "@adaptive-sparse/nn";
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
   * The teacher's forward without gradients when a loss reads it (keeping only its logits and hidden
   * states), the student's forward with its current masks (+ SLoRB), then `wTask·task + wKL·KL +
   * wSq·layerwise` (method.md §3.9, §4.3). Call it inside the `tidy` that runs backward.
   * @param idx i32 [B, T] inputs; @param targets i32 [B, T] next tokens
   */
  compute(idx: Tensor, targets: Tensor): MicroBatchLoss;
  /** Removes the hidden-state hooks. */
  dispose(): void;
}

/** Where the teacher runs when it does not share the student's backend. */
export interface TeacherPlacement {
  /** The teacher's backend (it must read synchronously: cpu or wasm). */
  readonly backend: Backend;
  /** The host ids of the micro-batch being computed (the student's idx lives on another device). */
  readonly hostBatch: () => WindowBatch;
}

/**
 * Builds the loss of a run from its resolved loss plugins. The teacher is only run when a weighted loss
 * reads it, and hidden states are only captured when the layerwise loss is weighted. A teacher on
 * another backend (`placement`) gets the batch's ids from the host and returns its logits and hidden
 * states to the student's backend with one synchronous read each.
 */
export function createLossComputer(losses: ResolvedLosses, student: CausalLM, teacher: CausalLM | null, placement: TeacherPlacement | null = null): LossComputer {
  let studentHidden: Tensor[] | null = null;
  let teacherHidden: Tensor[] | null = null;
  const removers = losses.needsHidden ? [captureHiddenStates(student, () => studentHidden), ...(teacher ? [captureHiddenStates(teacher, () => teacherHidden)] : [])] : [];
  return {
    compute(idx, targets) {
      // The teacher first, in its own scope: only its logits (and captured hidden states) outlive its forward.
      // Left to the step's tidy, its intermediates (about 4 GB for GPT-2 124M at 2×1024) would live through the
      // student's forward and backward.
      let teacherLogits: Tensor | undefined;
      if (losses.needsTeacher && teacher) {
        const out = noGrad(() =>
          tidy(() => {
            teacherHidden = losses.needsHidden ? [] : null;
            if (!placement) return { logits: teacher.forward(idx).logits, hidden: teacherHidden }; // (B, T, V), a constant
            const batch = placement.hostBatch();
            const teacherIdx = tensor(batch.x, { shape: batch.shape, dtype: "i32", backend: placement.backend });
            return { logits: teacher.forward(teacherIdx).logits.toSync(idx.backend), hidden: teacherHidden?.map((h) => h.toSync(idx.backend)) ?? null };
          }),
        );
        teacherLogits = out.logits;
        teacherHidden = out.hidden;
      }
      studentHidden = losses.needsHidden ? [] : null;
      const { logits: studentLogits } = student.forward(idx); // (B, T, V)
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
