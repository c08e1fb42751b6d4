import type { DType } from "../dtype.js";

/**
 * The primitive ops every backend implements. Everything else (sub, softmax, layerNorm, cross-entropy...)
 * is a composite built from these, so it gets its gradient for free.
 */
export const PRIMITIVES = [
  "Neg", "Exp", "Log", "Sqrt", "Reciprocal", "Tanh", "Cast",
  "Add", "Mul", "Pow", "Maximum", "CmpLt", "CmpLe", "CmpEq", "Where",
  "ReduceSum", "ReduceMax", "ArgMax",
  "Permute", "Expand", "Slice", "Pad", "Concat",
  "MatMul", "Gather", "ScatterAdd", "GroupTopK", "Fill",
] as const;

export type PrimitiveName = (typeof PRIMITIVES)[number];

/**
 * Optional fused ops: a backend may implement them (forward and gradient kernels together); otherwise core
 * runs the composite's decomposition into primitives. All but Abs (elementwise) act on the last axis.
 */
export const FUSED = [
  "Abs", "SparseMatMul24", "Softmax", "SoftmaxGrad", "LogSoftmax", "LogSoftmaxGrad", "LayerNorm", "LayerNormGrad", "Gelu", "GeluGrad",
  "SoftmaxCrossEntropy", "SoftmaxCrossEntropyGrad", "AdamWStep", "CausalSoftmax", "CausalSoftmaxGrad",
  "RMSNorm", "RMSNormGrad", "Silu", "SiluGrad", "Rotary", "SoftmaxKL", "SoftmaxKLGrad", "WriteSlice",
] as const;
export type FusedName = (typeof FUSED)[number];

export type OpName = PrimitiveName | FusedName;

type None = Record<string, never>;

/** Attributes of each op, as passed to its kernel. Output shape and dtype are in the `out` buffer info. */
export interface OpAttrs {
  Neg: None; Exp: None; Log: None; Sqrt: None; Reciprocal: None; Tanh: None;
  Cast: { dtype: DType };
  Add: None; Mul: None; Pow: None; Maximum: None; CmpLt: None; CmpLe: None; CmpEq: None; Where: None;
  /** Output keeps reduced axes as size 1. */
  ReduceSum: { axes: number[] }; ReduceMax: { axes: number[] }; ArgMax: { axis: number };
  Permute: { perm: number[] };
  Expand: { shape: number[] };
  Slice: { begin: number[]; size: number[] };
  /** Zero padding: `before[i]` zeros precede axis i and `after[i]` follow it. */
  Pad: { before: number[]; after: number[] };
  Concat: { axis: number };
  /** Batched `a @ b` over broadcast leading axes; transposes read the operand transposed in place. */
  MatMul: { transA: boolean; transB: boolean };
  /** `table[indices]` along axis 0. */
  Gather: None;
  /** Inverse of Gather: rows of `src` added into a zero table of `size` rows. */
  ScatterAdd: { size: number };
  /** Keep mask of the `n` largest in each group of `m` along the last axis (ties: lower index pruned first). */
  GroupTopK: { n: number; m: number };
  /** No inputs: every element of the output set to `value` (a device fill, no host upload). */
  Fill: { value: number };
  /** x [..., K] times a 2:4-compressed weight [N, K]: values [N, K/2] f32 and 2-bit positions, 4 bits per group, two groups per byte (io's compress24 layout). */
  SparseMatMul24: { n: number; k: number };
  /** Inputs: x. */
  Softmax: None; LogSoftmax: None; Gelu: None;
  /** |x| elementwise (+0 for −0); its gradient, g · sign(x), is composite. */
  Abs: None;
  /** Inputs: (gradient, softmax output). */
  SoftmaxGrad: None;
  /** Inputs: (gradient, log-softmax output). */
  LogSoftmaxGrad: None;
  /** Inputs: (gradient, x). */
  GeluGrad: None;
  /** Normalises x over the last axis without the affine part: (x − mean) / sqrt(var + eps). */
  LayerNorm: { eps: number };
  /** Inputs: (gradient, x). */
  LayerNormGrad: { eps: number };
  /** Scales x by the inverse root mean square of its last axis, without the weight: x / sqrt(mean(x²) + eps). */
  RMSNorm: { eps: number };
  /** Inputs: (gradient, x). */
  RMSNormGrad: { eps: number };
  /** x · sigmoid(x) elementwise. */
  Silu: None;
  /** Inputs: (gradient, x). */
  SiluGrad: None;
  /** Inputs: (x [..., T, D], cos [P, D], sin [P, D]) → x·cos + rotateHalf(x)·sin at table rows start..start+T−1 (inverse: − sin). */
  Rotary: { start: number; inverse: boolean };
  /** Inputs: (logits [N, V], targets i32 [N]) → per-row loss [N]: logsumexp(row) − row[target]; 0 for ignored rows. */
  SoftmaxCrossEntropy: { ignoreIndex: number };
  /** Inputs: (gradient [N], logits [N, V], targets [N]) → g·(softmax(row) − onehot(target)); 0 for ignored rows. */
  SoftmaxCrossEntropyGrad: { ignoreIndex: number };
  /** In place (see `InPlaceKernel`): targets (param, m, v), inputs (grad[, mask u8]). */
  AdamWStep: AdamWStepAttrs;
  /**
   * Inputs: (student logits [N, V], teacher logits [N, V]) → per-row KL(p ‖ q) [N] with p = softmax(teacher/T),
   * q = softmax(student/T): Σ_v p (log p − log q), a term with p = 0 counting 0.
   */
  SoftmaxKL: { temperature: number };
  /** Inputs: (gradient [N], student logits, teacher logits) → g · (q − p) / T, the gradient w.r.t. the student's logits. */
  SoftmaxKLGrad: { temperature: number };
  /** Scores [..., T, T] → softmax(scale·scores) per row i with columns j > i at probability 0 (attention rows). */
  CausalSoftmax: { scale: number };
  /** Inputs: (gradient, output y) → scale · y ⊙ (g − Σ_j g⊙y). */
  CausalSoftmaxGrad: { scale: number };
  /** In place (see `InPlaceKernel`): target [..., L, ...], input source [..., n, ...] written at [start, start + n) of `axis`. */
  WriteSlice: { axis: number; start: number };
}

/** Where λ(t) enters a masked parameter's update; `textbook` is plain AdamW (no mask). optim's DecayMode + textbook. */
export type AdamWStepMode = "textbook" | "decoupled" | "reference-int-not" | "gradient" | "sgd";

/**
 * Scalars of one AdamW update (method.md §3.4, §3.4.2). `step` is k, the 1-based count of this update;
 * `weightDecay` is the decoupled decay already resolved for the parameter (0 for biases); `decay` is λ(t).
 */
export interface AdamWStepAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decay: number;
  step: number;
  mode: AdamWStepMode;
}
