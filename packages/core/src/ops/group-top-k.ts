import { assertDType } from "../dtype.js";
import { ShapeError } from "../errors.js";
import { runOp, type OpDef } from "../engine.js";
import { formatShape } from "../shape.js";
import type { Tensor } from "../tensor.js";

export const groupTopKOp: OpDef<"GroupTopK"> = {
  name: "GroupTopK",
  infer: ([x], { n, m }) => {
    assertDType("GroupTopK", "scores", x.dtype, ["f32", "f64"]);
    if (!Number.isInteger(n) || !Number.isInteger(m) || n < 0 || n > m || m < 1) {
      throw new ShapeError(`GroupTopK: need integers 0 <= n <= m, got n=${n}, m=${m}`);
    }
    const width = x.shape[x.rank - 1] ?? 1;
    if (x.rank < 1 || width % m !== 0) {
      throw new ShapeError(`GroupTopK: last axis of ${formatShape(x.shape)} (${width}) is not a multiple of the group size m=${m}`);
    }
    return { shape: [...x.shape], dtype: "u8" };
  },
};

/**
 * Keep-mask of the `n` largest scores in every group of `m` consecutive elements along the last axis
 * (N:M sparsity). Ties: among equal scores the lower index is pruned first, so `[5,5,5,5]` keeps 2 and 3.
 * @throws NonFiniteError on a NaN score (which has no order).
 * @example groupTopK(weight.abs(), 2, 4) // the 2:4 magnitude mask
 */
export const groupTopK = (scores: Tensor, n: number, m: number): Tensor => runOp(groupTopKOp, [scores], { n, m });
