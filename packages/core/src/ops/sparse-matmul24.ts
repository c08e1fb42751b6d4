import type { DType } from "../dtype.js";
import { assertDType } from "../dtype.js";
import { noGrad, runOp, scoped, type OpDef } from "../engine.js";
import { ShapeError } from "../errors.js";
import { add, cast, concat, eq, full, matmul, mul, narrow, reshape, sub, sum } from "../functions.js";
import { formatShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { hasKernels } from "./fused.js";

/** A 2:4 weight [n, k] in compressed form, as io's `compress24` writes it. */
export interface Compressed24Tensors {
  /** The 2 kept values of every group of 4 along a row: f32 [n, k/2]. */
  readonly values: Tensor;
  /** 2-bit positions (0-3) of the kept values, 4 per byte (value j in bits 2·(j mod 4) of byte ⌊j/4⌋): u8 [ceil(n·k/8)]. */
  readonly indices: Tensor;
}

function check(x: Tensor, { values, indices }: Compressed24Tensors, n: number, k: number): void {
  assertDType("SparseMatMul24", "x", x.dtype, ["f32"]);
  assertDType("SparseMatMul24", "values", values.dtype, ["f32"]);
  assertDType("SparseMatMul24", "indices", indices.dtype, ["u8"]);
  if (!(Number.isInteger(n) && n >= 0 && Number.isInteger(k) && k >= 0 && k % 4 === 0)) {
    throw new ShapeError(`SparseMatMul24: the weight is [${n}, ${k}]; n and k must be non-negative integers and k a multiple of 4 (2:4 groups run along rows)`);
  }
  if (values.size !== (n * k) / 2) throw new ShapeError(`SparseMatMul24: values ${formatShape(values.shape)} has ${values.size} entries, expected n·k/2 = ${(n * k) / 2} for a [${n}, ${k}] weight`);
  if (indices.size !== Math.ceil((n * k) / 8)) throw new ShapeError(`SparseMatMul24: indices has ${indices.size} bytes, expected ceil(n·k/8) = ${Math.ceil((n * k) / 8)} for a [${n}, ${k}] weight`);
  if (x.rank < 1 || x.shape[x.rank - 1] !== k) throw new ShapeError(`SparseMatMul24: x ${formatShape(x.shape)} must end in k = ${k} (x is [..., k])`);
}

/** The fused kernel's op: x [..., k], values, indices → y [..., n]. Inference only (no gradient). */
export const sparseMatMul24Op: OpDef<"SparseMatMul24"> = {
  name: "SparseMatMul24",
  infer: ([x], { n }) => ({ shape: [...x.shape.slice(0, -1), n], dtype: x.dtype }),
};

/** A vector of constants as device fills (no host upload). */
const constants = (values: readonly number[], dtype: DType, backend: Tensor["backend"]): Tensor =>
  concat(values.map((v) => full([1], v, { dtype, backend })));

/**
 * Expands a compressed 2:4 weight to dense [n, k] with primitives (the decomposition of SparseMatMul24):
 * each byte's four 2-bit positions by truncating divisions, then a one-hot over the 4 columns of each
 * group, weighted by the kept values and summed over the group's two slots. Pruned entries are +0.
 */
export function expandCompressed24(compressed: Compressed24Tensors, n: number, k: number): Tensor {
  const { values, indices } = compressed;
  return noGrad(() =>
    scoped([], () => {
      const backend = values.backend;
      const bytes = reshape(cast(indices, "f32"), [indices.size, 1]);
      const truncate = (t: Tensor) => cast(cast(t, "i32"), "f32"); // values are >= 0: truncation is floor
      const shifted = truncate(mul(bytes, constants([1, 1 / 4, 1 / 16, 1 / 64], "f32", backend))); // byte >> 2s
      const next = truncate(mul(bytes, constants([1 / 4, 1 / 16, 1 / 64, 1 / 256], "f32", backend))); // byte >> 2(s+1)
      const slots = (n * k) / 2;
      const positions = narrow(reshape(sub(shifted, mul(next, 4)), [indices.size * 4]), 0, 0, slots); // (byte >> 2s) & 3
      const onehot = cast(eq(reshape(positions, [n, k / 4, 2, 1]), constants([0, 1, 2, 3], "f32", backend).reshape([1, 1, 1, 4])), "f32");
      const dense = sum(mul(reshape(values, [n, k / 4, 2, 1]), onehot), 2); // [n, k/4, 4]
      return add(reshape(dense, [n, k]), 0); // + 0 turns a −0 product into +0, as the dense-with-zeros weight has
    }),
  );
}

/**
 * `y = x · Wᵀ` for a compressed 2:4 weight W [n, k] (inference: no gradient flows through it). Uses the
 * backend's fused kernel when it has one (wasm: 2:4 GEMV/GEMM in WebAssembly), else expands W with
 * {@link expandCompressed24} and multiplies densely, which gives exactly the dense-with-zeros result.
 * @param x f32 [..., k]
 * @returns f32 [..., n]
 * @throws ShapeError/DTypeError naming the argument that does not fit.
 * @example const y = sparseMatMul24(x, { values, indices }, 3072, 768); // GPT-2's c_fc, compressed
 */
export function sparseMatMul24(x: Tensor, compressed: Compressed24Tensors, n: number, k: number): Tensor {
  check(x, compressed, n, k);
  if (hasKernels(x.backend, "SparseMatMul24")) return noGrad(() => runOp(sparseMatMul24Op, [x, compressed.values, compressed.indices], { n, k }));
  return scoped([x], () => matmul(x, expandCompressed24(compressed, n, k), { transB: true }));
}
