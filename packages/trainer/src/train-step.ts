import { mul, tensor, tidy, type Backend, type Tensor } from "@adaptive-sparse/core";
import type { WindowSampler } from "@adaptive-sparse/data";
import { clipGradNormAsync, type AdamW } from "@adaptive-sparse/optim";
import { NonFiniteLossError } from "./errors.js";
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
  /** Named in the error when the loss is not finite. */
  readonly lastCheckpoint: () => string | null;
}

/** Loss values of one optimizer step (means over its micro-batches). */
export interface StepValues {
  readonly loss: number;
  readonly task: number | null;
  readonly kl: number | null;
  readonly layerwise: number | null;
  readonly gradNorm: number;
  readonly tokens: number;
}

/** Reads scalar tensors, then frees them (the total may be one of the terms when its weight is 1). */
async function readAll(values: readonly (Tensor | null)[]): Promise<(number | null)[]> {
  const out: (number | null)[] = [];
  for (const value of values) out.push(value ? (await value.data())[0] : null);
  for (const value of new Set(values)) value?.dispose();
  return out;
}

/**
 * One optimizer step, method.md §3.9: zero the gradients; for each of `gradAccum` micro-batches run the
 * forward with the current masks (+ teacher), the weighted loss, and backward of `loss / gradAccum`
 * (straight-through to the dense weights); clip the global gradient norm; update with `(lr, λ)`.
 *
 * @throws NonFiniteLossError naming the step when a micro-batch loss is NaN or infinite; it is thrown
 *   before the optimizer step, so the weights stay those of the previous step.
 */
export async function trainStep(inputs: StepInputs, step: number, lr: number, decay: number): Promise<StepValues> {
  const { sampler, losses, optimizer, backend, gradAccum, clip } = inputs;
  optimizer.zeroGrad();
  const sums = { loss: 0, task: 0, kl: 0, layerwise: 0 };
  const seen = { task: false, kl: false, layerwise: false };
  let tokens = 0;
  for (let micro = 0; micro < gradAccum; micro++) {
    const batch = sampler.next();
    tokens += batch.x.length;
    const terms = tidy(() => {
      const idx = tensor(batch.x, { shape: batch.shape, dtype: "i32", backend }); // (B, T)
      const targets = tensor(batch.y, { shape: batch.shape, dtype: "i32", backend }); // (B, T)
      const loss = losses.compute(idx, targets);
      mul(loss.total, 1 / gradAccum).backward();
      return [loss.total, loss.task, loss.kl, loss.layerwise] as const;
    });
    const [total, task, kl, layerwise] = await readAll(terms);
    if (!Number.isFinite(total)) {
      optimizer.zeroGrad();
      const checkpoint = inputs.lastCheckpoint();
      throw new NonFiniteLossError(
        `train: the loss is ${total} at step ${step} (micro-batch ${micro}); the run stopped before this step's update. ` +
          (checkpoint ? `The last good checkpoint is ${checkpoint}. ` : "No checkpoint was saved in this run. ") +
          `Lower lr, check the data for out-of-range tokens, or resume from the checkpoint with a smaller learning rate`,
        step,
        checkpoint,
      );
    }
    sums.loss += total!;
    for (const [key, value] of [["task", task], ["kl", kl], ["layerwise", layerwise]] as const) {
      if (value !== null) {
        sums[key] += value;
        seen[key] = true;
      }
    }
  }
  // Infinity measures the norm without clipping.
  const gradNorm = await clipGradNormAsync(optimizer.params, clip ?? Infinity);
  await optimizer.stepAsync({ lr, decay });
  const mean = (key: "task" | "kl" | "layerwise") => (seen[key] ? sums[key] / gradAccum : null);
  return { loss: sums.loss / gradAccum, task: mean("task"), kl: mean("kl"), layerwise: mean("layerwise"), gradNorm, tokens };
}
