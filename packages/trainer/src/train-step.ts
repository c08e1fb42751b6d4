import { add, cast, concat, keep, mul, noGrad, tensor, tidy, zeros, type Backend, type DType, type Tensor } from "@adaptive-sparse/core";
import type { WindowSampler } from "@adaptive-sparse/data";
import { clipGradNorm, type AdamW } from "@adaptive-sparse/optim";
import type { LossComputer } from "./loss-computer.js";

/** What one optimizer step needs. */
export interface StepInputs {
  readonly sampler: WindowSampler;
  readonly losses: LossComputer;
  readonly optimizer: AdamW;
  readonly backend: Backend;
  readonly gradAccum: number;
  /** Global gradient-norm clip, or null for none. */
  readonly clip: number | null;
}

/** The loss terms a step reports, in the order of {@link StepRecord.values}. */
export const STEP_TERMS = ["loss", "task", "kl", "layerwise", "gradNorm"] as const;

/**
 * One step's metrics, still on the device: nothing was read back. `values` is `[5]` = the sums over the
 * micro-batches of the total loss, task, KL and layerwise terms (0 for an absent term), then the global
 * gradient norm before clipping; f64 where the backend has it, so the host mean (sum / gradAccum) rounds
 * exactly as summing the f32 losses in JavaScript would.
 */
export interface StepRecord {
  readonly values: Tensor;
  /** Which of task, kl, layerwise the loss computer produced (absent terms are reported as null). */
  readonly present: { readonly task: boolean; readonly kl: boolean; readonly layerwise: boolean };
  readonly tokens: number;
  readonly gradAccum: number;
}

/** f64 where the backend has it (exact sums of f32 values), else f32. */
function recordDType(backend: Backend): DType {
  return backend.capabilities.dtypes.includes("f64") ? "f64" : "f32";
}

/**
 * One optimizer step, method.md §3.9, entirely on the device: zero the gradients; for each of
 * `gradAccum` micro-batches upload the batch's token ids (the only host→device bytes), run the forward
 * with the current masks (+ teacher), the weighted loss, and backward of `loss / gradAccum`
 * (straight-through to the dense weights); clip the global gradient norm; update with `(lr, λ)`. Loss
 * terms are summed on the device and returned unread: the loop reads them at the logging interval, where
 * a non-finite loss stops the run.
 */
export function trainStep(inputs: StepInputs, lr: number, decay: number): StepRecord {
  const { sampler, losses, optimizer, backend, gradAccum, clip } = inputs;
  const dtype = recordDType(backend);
  optimizer.zeroGrad();
  let sums: Tensor[] | null = null;
  const present = { task: false, kl: false, layerwise: false };
  let tokens = 0;
  for (let micro = 0; micro < gradAccum; micro++) {
    const batch = sampler.next();
    tokens += batch.x.length;
    const previous: Tensor[] | null = sums;
    sums = tidy(() => {
      const idx = tensor(batch.x, { shape: batch.shape, dtype: "i32", backend }); // (B, T)
      const targets = tensor(batch.y, { shape: batch.shape, dtype: "i32", backend }); // (B, T)
      const loss = losses.compute(idx, targets);
      mul(loss.total, 1 / gradAccum).backward();
      present.task = loss.task !== null;
      present.kl = loss.kl !== null;
      present.layerwise = loss.layerwise !== null;
      return noGrad(() => {
        const terms = [loss.total, loss.task, loss.kl, loss.layerwise].map((term) => (term ? cast(term.reshape([]), dtype) : zeros([], { dtype, backend })));
        return previous ? terms.map((term, i) => add(previous[i], term)) : terms;
      });
    }).map((term) => keep(term));
    previous?.forEach((term) => term.dispose());
  }
  // Infinity measures the norm without clipping.
  const norm = clipGradNorm(optimizer.params, clip ?? Infinity);
  optimizer.step({ lr, decay });
  const values = keep(noGrad(() => tidy(() => concat([...sums!, norm ? cast(norm, dtype) : zeros([], { dtype, backend })].map((v) => v.reshape([1]))))));
  sums!.forEach((term) => term.dispose());
  norm?.dispose();
  return { values, present, tokens, gradAccum };
}
