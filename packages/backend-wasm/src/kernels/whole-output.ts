/**
 * Ops whose every kernel in this backend (wasm, BLAS and the cpu fallbacks alike) writes each element of
 * its output, so a fresh output buffer need not be zeroed first (see MemoryBuffers). Pad (writes only the
 * interior), ScatterAdd (adds into the zeros), AdamWStep (updates in place) and anything unlisted get their
 * zeros. src/conformance.test.ts runs the shared suite with fresh buffers full of 0xff bytes, so a kernel
 * listed here that skips an element fails it.
 */
export const WRITES_WHOLE_OUTPUT: ReadonlySet<string> = new Set([
  "Neg", "Exp", "Log", "Sqrt", "Reciprocal", "Tanh", "Cast",
  "Add", "Mul", "Pow", "Maximum", "CmpLt", "CmpLe", "CmpEq", "Where",
  "ReduceSum", "ReduceMax", "ArgMax",
  "Permute", "Expand", "Slice", "Concat",
  "MatMul", "Gather", "GroupTopK", "Fill", "SparseMatMul24",
  "Softmax", "SoftmaxGrad", "LogSoftmax", "LogSoftmaxGrad", "LayerNorm", "LayerNormGrad", "Gelu", "GeluGrad", "Abs",
  "SoftmaxCrossEntropy", "SoftmaxCrossEntropyGrad", "SoftmaxKL", "SoftmaxKLGrad", "CausalSoftmax", "CausalSoftmaxGrad",
]);
