import { isFloat } from "../dtype.js";
import { runOp, scoped, type OpDef } from "../engine.js";
import { NonFiniteError } from "../errors.js";
import { hasKernels } from "../ops/fused.js";
import type { Operand } from "../ops/helpers.js";
import type { Tensor } from "../tensor.js";
import { add, cast, gt, lt, maximum, mul, neg, reciprocal, where } from "../functions.js";
import { Tensor as TensorClass } from "../tensor.js";

const negate = (x: Operand): Operand => (x instanceof TensorClass ? neg(x) : -x);

/** `a - b` with broadcasting. */
export const sub = (a: Operand, b: Operand): Tensor => scoped([a, b], () => add(a, negate(b)));
/** `a / b` with broadcasting (float dtypes). */
export const div = (a: Operand, b: Operand): Tensor => scoped([a, b], () => mul(a, b instanceof TensorClass ? reciprocal(b) : 1 / b));
/** `x * x`. */
export const square = (x: Tensor): Tensor => mul(x, x);
/** Elementwise minimum with broadcasting. */
export const minimum = (a: Operand, b: Operand): Tensor => scoped([a, b], () => neg(maximum(negate(a), negate(b))));
/** −1, 0 or 1 by sign, in x's dtype (no gradient). */
export const sign = (x: Tensor): Tensor => scoped([], () => sub(cast(gt(x, 0), x.dtype), cast(lt(x, 0), x.dtype)));
const absOp: OpDef<"Abs"> = {
  name: "Abs",
  infer: ([x]) => ({ shape: [...x.shape], dtype: x.dtype }),
  vjp: (g, [x]) => [mul(g, sign(x))],
};

/**
 * `|x|`; its gradient at 0 is 0, as in PyTorch. One kernel where the backend has it (floats): the
 * decomposition x · sign(x) is seven passes over x, and magnitude masks take |W| of every sparse layer
 * at each refresh (GPT-2 124M: 1.1 s of a 10 s AST step on the wasm backend, 20 ms with the kernel).
 */
export const abs = (x: Tensor): Tensor =>
  isFloat(x.dtype) && x.rank > 0 && hasKernels(x.backend, "Abs") ? runOp(absOp, [x], {}) : scoped([x], () => mul(x, sign(x)));

/**
 * Limits values to [min, max]; the gradient passes where min <= x <= max (bounds inclusive, as in PyTorch).
 * @throws NonFiniteError when a bound is NaN (no value can satisfy it).
 */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  if (Number.isNaN(min) || Number.isNaN(max)) throw new NonFiniteError(`clamp: bounds must not be NaN (got min=${min}, max=${max})`);
  return scoped([x], () => {
    let out = x;
    if (min !== undefined) out = where(lt(out, min), min, out);
    if (max !== undefined) out = where(gt(out, max), max, out);
    return out === x ? mul(x, 1) : out;
  });
}
