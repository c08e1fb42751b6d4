import type { BufferInfo, Kernel, OpAttrs, TypedArray } from "@adaptive-sparse/core";
import { checkSparse24 } from "../sparse24/compressed24.js";
import { batchIndices } from "./batch.js";
import type { GemmDims } from "./wasm-gemm.js";

/** A batched host GEMM (wasm or BLAS): `C[t] = op(A[aIndex[t]]) · op(B[bIndex[t]])`. */
export type HostGemm = (a: Float32Array, b: Float32Array, c: Float32Array, dims: GemmDims, aIndex: ArrayLike<number>, bIndex: ArrayLike<number>) => void;

/** y [m, rows] = x [m, cols] · Wᵀ for a compressed W, on host arrays. */
export type HostSparse24 = (x: Float32Array, weight: { values: Float32Array; indices: Uint8Array; rows: number; cols: number }, m: number, y: Float32Array) => void;

type Info = BufferInfo<TypedArray>;

/**
 * The MatMul kernel: f32 goes to `gemm` (batched, with broadcast batch axes and every transpose
 * variant); other dtypes (f64 for gradient checks) go to the reference cpu kernel.
 */
export function createMatMulKernel(gemm: HostGemm, fallback: Kernel<OpAttrs["MatMul"], TypedArray>): Kernel<OpAttrs["MatMul"], TypedArray> {
  return (out, inputs, attrs) => {
    const [x, y] = inputs as [Info, Info];
    if (out.dtype !== "f32" || x.dtype !== "f32" || y.dtype !== "f32") return fallback(out, inputs, attrs);
    const rank = out.shape.length;
    const m = out.shape[rank - 2]!;
    const n = out.shape[rank - 1]!;
    const k = attrs.transA ? x.shape[x.shape.length - 2]! : x.shape[x.shape.length - 1]!;
    const batch = out.shape.slice(0, -2);
    const aIndex = batchIndices(batch, x.shape.slice(0, -2));
    const bIndex = batchIndices(batch, y.shape.slice(0, -2));
    gemm(x.handle as Float32Array, y.handle as Float32Array, out.handle as Float32Array, { m, n, k, transA: attrs.transA, transB: attrs.transB }, aIndex, bIndex);
  };
}

/**
 * The fused SparseMatMul24 kernel: inputs x [..., k] f32, values [n, k/2] f32 and indices (the
 * @adaptive-sparse/io packing, ceil(n*k/8) bytes); output [..., n].
 */
export function createSparseMatMul24Kernel(sparse: HostSparse24): Kernel<OpAttrs["SparseMatMul24"], TypedArray> {
  return (out, inputs, { n, k }) => {
    const [x, values, indices] = inputs as [Info, Info, Info];
    const weight = { values: values.handle as Float32Array, indices: indices.handle as Uint8Array, rows: n, cols: k };
    const m = checkSparse24("SparseMatMul24", x.handle, weight);
    sparse(x.handle as Float32Array, weight, m, out.handle as Float32Array);
  };
}
