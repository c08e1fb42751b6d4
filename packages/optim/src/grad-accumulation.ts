import { ConfigError, ShapeError, add, formatShape, keep, mul, noGrad, tidy, type Tensor } from "@adaptive-sparse/core";

function checkSteps(where: string, steps: number): void {
  if (!(Number.isInteger(steps) && steps >= 1)) throw new ConfigError(`${where}: steps (micro-batches per optimizer step) must be an integer >= 1, got ${steps}`);
}

/**
 * `loss / steps`: back-propagate this for each of `steps` micro-batches, and the accumulated gradients
 * equal those of the mean loss over the whole batch (method.md §3.8: the reference divides each
 * micro-batch loss by `grad_accum`).
 * @throws ConfigError unless steps is an integer >= 1.
 */
export function scaleLoss(loss: Tensor, steps: number): Tensor {
  checkSteps("scaleLoss", steps);
  return mul(loss, 1 / steps);
}

/**
 * Gradient accumulation: runs `microStep(i)` for i = 0 … steps−1, each inside `tidy`, and calls
 * `backward()` on `loss / steps`, so parameter gradients add up to the gradient of the mean loss.
 * Gradients are *added* to what is already in `.grad`; call `optimizer.zeroGrad()` before.
 *
 * @param steps micro-batches per optimizer step (the reference: 8 for a 128-sequence batch of 16 × 8).
 * @param microStep builds one micro-batch's scalar loss (forward pass included).
 * @returns the mean of the unscaled micro-batch losses, a detached scalar tensor (read it for logging).
 * @throws ConfigError for a bad `steps`; ShapeError when a micro-step's loss is not a one-element tensor.
 * @example
 * optimizer.zeroGrad();
 * const loss = accumulateGradients(8, () => lossOf(nextBatch()));
 * clipGradNorm(optimizer.params, 1.0);
 * optimizer.step({ lr: lr(t), decay: decay(t) });
 * console.log(loss.item()); loss.dispose();
 */
export function accumulateGradients(steps: number, microStep: (index: number) => Tensor): Tensor {
  checkSteps("accumulateGradients", steps);
  let total: Tensor | null = null;
  for (let index = 0; index < steps; index++) {
    const contribution = tidy(() => {
      const loss = microStep(index);
      if (loss.size !== 1) throw new ShapeError(`accumulateGradients: micro-step ${index} returned a loss of shape ${formatShape(loss.shape)}; return a scalar (reduce with .mean())`);
      mul(loss, 1 / steps).backward();
      return noGrad(() => mul(loss, 1 / steps));
    });
    const previous: Tensor | null = total;
    total = keep(previous ? noGrad(() => add(previous, contribution)) : contribution);
    if (previous) {
      previous.dispose();
      contribution.dispose();
    }
  }
  return total!;
}
