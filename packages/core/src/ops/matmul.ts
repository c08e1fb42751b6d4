import { assertDType } from "../dtype.js";
import { ShapeError } from "../errors.js";
import { release, runOp, type OpDef } from "../engine.js";
import { broadcastShapes, formatShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { reshape, sumTo } from "../functions.js";
import { sameDType } from "./helpers.js";

export interface MatMulOptions {
  /** Read `a` as its transpose over the last two axes (no copy). */
  transA?: boolean;
  /** Read `b` as its transpose over the last two axes (no copy); `x @ Wᵀ` for Linear. */
  transB?: boolean;
}

export const matMulOp: OpDef<"MatMul"> = {
  name: "MatMul",
  infer: ([a, b], { transA, transB }) => {
    const dtype = sameDType("MatMul", [a, b], ["a", "b"]);
    assertDType("MatMul", "a", dtype, ["f32", "f64"]);
    if (a.rank < 2 || b.rank < 2) throw new ShapeError(`MatMul: a is ${formatShape(a.shape)} and b is ${formatShape(b.shape)}; both need at least 2 axes`);
    const [m, ka] = transA ? [a.shape[a.rank - 1], a.shape[a.rank - 2]] : [a.shape[a.rank - 2], a.shape[a.rank - 1]];
    const [kb, n] = transB ? [b.shape[b.rank - 1], b.shape[b.rank - 2]] : [b.shape[b.rank - 2], b.shape[b.rank - 1]];
    if (ka !== kb) {
      throw new ShapeError(
        `MatMul: inner dims differ: a is ${formatShape(a.shape)}${transA ? " (transposed)" : ""}, b is ${formatShape(b.shape)}${transB ? " (transposed)" : ""} ` +
          `(a's contracted axis has ${ka}, b's has ${kb})`,
      );
    }
    const batch = broadcastShapes("MatMul", a.shape.slice(0, -2), b.shape.slice(0, -2), ["a's batch axes", "b's batch axes"]);
    return { shape: [...batch, m, n], dtype };
  },
  vjp: (g, [a, b], _y, { transA, transB }) => [
    a.requiresGrad ? sumTo(transA ? matmul(b, g, { transA: transB, transB: true }) : matmul(g, b, { transB: !transB }), a.shape) : null,
    b.requiresGrad ? sumTo(transB ? matmul(g, a, { transA: true, transB: transA }) : matmul(a, g, { transA: !transA }), b.shape) : null,
  ],
};

/**
 * Batched matrix product over broadcast leading axes.
 * @param a [..., M, K] (or [..., K, M] with transA)
 * @param b [..., K, N] (or [..., N, K] with transB)
 * @returns [..., M, N]
 * @example matmul(x, weight, { transB: true }) // Linear: [B, T, C] x [D, C]ᵀ -> [B, T, D]
 */
export function matmul(a: Tensor, b: Tensor, options: MatMulOptions = {}): Tensor {
  const attrs = { transA: options.transA ?? false, transB: options.transB ?? false };
  // A stack of rows times one matrix is one big GEMM: fold the batch axes into M (a view, no copy),
  // which also keeps b's gradient a single GEMM instead of a per-batch sum.
  if (b.rank === 2 && a.rank > 2 && !attrs.transA) {
    const rows = reshape(a, [-1, a.shape[a.rank - 1]]);
    const out = runOp(matMulOp, [rows, b], attrs);
    const result = reshape(out, [...a.shape.slice(0, -1), out.shape[1]]);
    release(rows);
    // The view keeps the buffer; backward never reads `out` (reshape's VJP needs shapes, MatMul's its inputs),
    // so whoever disposes the result frees it, as Linear does once the bias is added.
    out.dispose();
    return result;
  }
  return runOp(matMulOp, [a, b], attrs);
}
