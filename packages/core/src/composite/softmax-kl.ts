import { noGrad, runOp, scoped } from "../engine.js";
import { ConfigError } from "../errors.js";
import { hasKernels, klShapes, softmaxKLOp } from "../ops/fused.js";
import type { Tensor } from "../tensor.js";
import { div, exp, gt, logSoftmax, mul, sub, sum, where } from "../functions.js";

/**
 * Per-row KL(p ‖ q) of [N, V] logits, p = softmax(teacher/T) and q = softmax(student/T): Σ_v p (log p − log q),
 * a term with p = 0 counting 0 (as `xlogy`). The gradient flows to the student only. One kernel where the
 * backend has it: the decomposition (log-softmax twice, exp, products, two row sums) makes about ten [N, V]
 * tensors forward and back, and at GPT-2's vocabulary 2×1024 positions' logits are 412 MB each.
 * @param student [N, V]
 * @param teacher [N, V], the same dtype
 * @returns [N]
 * @throws ShapeError for other shapes; ConfigError when temperature is not > 0.
 */
export function softmaxKL(student: Tensor, teacher: Tensor, temperature = 1): Tensor {
  if (!(temperature > 0)) throw new ConfigError(`softmaxKL: temperature must be > 0, got ${temperature}`);
  klShapes("softmaxKL", student, teacher);
  return scoped([student, teacher], () => {
    if (hasKernels(student.backend, "SoftmaxKL", "SoftmaxKLGrad")) return runOp(softmaxKLOp, [student, teacher], { temperature });
    const [p, logP] = noGrad(() => {
      const logP = logSoftmax(div(teacher, temperature), -1);
      return [exp(logP), logP];
    });
    const logQ = logSoftmax(div(student, temperature), -1);
    return sub(sum(where(gt(p, 0), mul(p, logP), 0), -1), sum(mul(p, logQ), -1));
  });
}
