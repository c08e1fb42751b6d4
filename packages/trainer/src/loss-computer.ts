import { noGrad, tensor, type Backend, type Tensor } from "@adaptive-sparse/core";
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
   * Student forward with its current masks (+ SLoRB), the teacher's forward without gradients when a
   * loss reads it, then `wTask·task + wKL·KL + wSq·layerwise` (method.md §3.9, §4.3). Call it inside the
   * `tidy` that runs backward.
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
      studentHidden = losses.needsHidden ? [] : null;
      const { logits: studentLogits } = student.forward(idx); // (B, T, V)
      let teacherLogits: Tensor | undefined;
      if (losses.needsTeacher && teacher) {
        teacherHidden = losses.needsHidden ? [] : null;
        if (placement) {
          const batch = placement.hostBatch();
          const teacherIdx = tensor(batch.x, { shape: batch.shape, dtype: "i32", backend: placement.backend });
          teacherLogits = noGrad(() => teacher.forward(teacherIdx).logits).toSync(idx.backend); // (B, T, V), a constant
          teacherHidden = teacherHidden?.map((h) => h.toSync(idx.backend)) ?? null;
        } else {
          teacherLogits = noGrad(() => teacher.forward(idx).logits); // (B, T, V), a constant
        }
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
