import { runOp, scoped } from "../engine.js";
import { hasKernels, softmaxCrossEntropyOp } from "../ops/fused.js";
import { DTypeError, ShapeError } from "../errors.js";
import { formatShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { add, arange, cast, div, gather, logSoftmax, mul, ne, neg, reshape, sum, where } from "../functions.js";

export interface CrossEntropyOptions {
  /** Targets equal to this are skipped (PyTorch's default is -100). */
  ignoreIndex?: number;
  /** `mean` over non-ignored targets (default), `sum`, or `none` (per position). */
  reduction?: "mean" | "sum" | "none";
}

/**
 * Cross-entropy of `logits` against integer `targets`, via a stable log-softmax.
 * @param logits [..., V]
 * @param targets i32 [...], values in [0, V) or `ignoreIndex`
 * @returns a scalar (mean/sum) or [...] for reduction "none"; the mean over zero kept targets is NaN, as in PyTorch.
 */
export function crossEntropy(logits: Tensor, targets: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const { ignoreIndex = -100, reduction = "mean" } = options;
  if (targets.dtype !== "i32") throw new DTypeError(`crossEntropy: targets have dtype ${targets.dtype}, expected i32 class indices`);
  const vocab = logits.shape[logits.rank - 1];
  const lead = logits.shape.slice(0, -1);
  if (lead.length !== targets.rank || lead.some((dim, i) => dim !== targets.shape[i])) {
    throw new ShapeError(`crossEntropy: logits ${formatShape(logits.shape)} need targets of shape ${formatShape(lead)}, got ${formatShape(targets.shape)}`);
  }
  return scoped([logits], () => {
    const rows = targets.size;
    if (hasKernels(logits.backend, "SoftmaxCrossEntropy", "SoftmaxCrossEntropyGrad")) {
      const flat = reshape(targets, [rows]);
      const losses = runOp(softmaxCrossEntropyOp, [reshape(logits, [rows, vocab]), flat], { ignoreIndex }); // [N], 0 where ignored
      if (reduction === "none") return reshape(losses, targets.shape);
      if (reduction === "sum") return sum(losses);
      return div(sum(losses), sum(cast(ne(flat, ignoreIndex), logits.dtype)));
    }
    const logProbs = reshape(logSoftmax(reshape(logits, [rows, vocab])), [rows * vocab, 1]); // [N·V, 1]
    const flatTargets = reshape(targets, [rows]);
    const kept = ne(flatTargets, ignoreIndex); // u8 [N]
    // Pick log p[row, target] from the flattened rows; ignored rows read column 0 and are weighted out.
    const index = add(mul(arange(0, rows, 1, { backend: logits.backend }), vocab), where(kept, flatTargets, 0));
    const weight = cast(kept, logits.dtype);
    const losses = mul(neg(reshape(gather(logProbs, index), [rows])), weight); // [N]
    if (reduction === "none") return reshape(losses, targets.shape);
    if (reduction === "sum") return sum(losses);
    return div(sum(losses), sum(weight));
  });
}
