import { isFloat, type DType } from "../dtype.js";
import { runOp, type OpDef } from "../engine.js";
import type { Tensor } from "../tensor.js";

export const castOp: OpDef<"Cast"> = {
  name: "Cast",
  infer: ([x], { dtype }) => ({ shape: [...x.shape], dtype }),
  // Only float-to-float casts carry a gradient; integer and mask values are not differentiable.
  vjp: (g, [x]) => [isFloat(x.dtype) ? cast(g, x.dtype) : null],
};

/** Converts to `dtype` (floats truncate toward zero into i32; u8 keeps the low byte as in a C cast). */
export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x.detach();
  const out = runOp(castOp, [x], { dtype });
  if (!isFloat(dtype)) {
    out.requiresGrad = false;
    out.node = null;
  }
  return out;
}
