import type { Backend } from "../backend.js";
import { assertDType } from "../dtype.js";
import { ShapeError } from "../errors.js";
import { formatShape, shapesEqual } from "../shape.js";
import { runOp, type OpDef } from "../engine.js";
import type { FusedName } from "./op-names.js";
import type { Tensor } from "../tensor.js";

/** True when `backend` has every kernel in `names` (a fused op needs its gradient kernel too). */
export function hasKernels(backend: Backend, ...names: FusedName[]): boolean {
  return names.every((name) => typeof backend.kernels[name] === "function");
}

const sameAsInput = (op: string) => ([x]: readonly Tensor[]) => {
  assertDType(op, "x", x.dtype, ["f32", "f64"]);
  return { shape: [...x.shape], dtype: x.dtype };
};

// Gradient kernels are their own ops without a VJP: second derivatives go through the decompositions.
const softmaxGradOp: OpDef<"SoftmaxGrad"> = { name: "SoftmaxGrad", infer: sameAsInput("SoftmaxGrad") };
const logSoftmaxGradOp: OpDef<"LogSoftmaxGrad"> = { name: "LogSoftmaxGrad", infer: sameAsInput("LogSoftmaxGrad") };
const geluGradOp: OpDef<"GeluGrad"> = { name: "GeluGrad", infer: sameAsInput("GeluGrad") };
const layerNormGradOp: OpDef<"LayerNormGrad"> = { name: "LayerNormGrad", infer: sameAsInput("LayerNormGrad") };
const rmsNormGradOp: OpDef<"RMSNormGrad"> = { name: "RMSNormGrad", infer: sameAsInput("RMSNormGrad") };
const siluGradOp: OpDef<"SiluGrad"> = { name: "SiluGrad", infer: sameAsInput("SiluGrad") };

export const softmaxOp: OpDef<"Softmax"> = {
  name: "Softmax",
  infer: sameAsInput("Softmax"),
  vjp: (g, _x, y) => [runOp(softmaxGradOp, [g, y], {})],
};
export const logSoftmaxOp: OpDef<"LogSoftmax"> = {
  name: "LogSoftmax",
  infer: sameAsInput("LogSoftmax"),
  vjp: (g, _x, y) => [runOp(logSoftmaxGradOp, [g, y], {})],
};
export const geluOp: OpDef<"Gelu"> = {
  name: "Gelu",
  infer: sameAsInput("Gelu"),
  vjp: (g, [x]) => [runOp(geluGradOp, [g, x], {})],
};
export const layerNormOp: OpDef<"LayerNorm"> = {
  name: "LayerNorm",
  infer: sameAsInput("LayerNorm"),
  vjp: (g, [x], _y, attrs) => [runOp(layerNormGradOp, [g, x], attrs)],
};
export const rmsNormOp: OpDef<"RMSNorm"> = {
  name: "RMSNorm",
  infer: sameAsInput("RMSNorm"),
  vjp: (g, [x], _y, attrs) => [runOp(rmsNormGradOp, [g, x], attrs)],
};
export const siluOp: OpDef<"Silu"> = {
  name: "Silu",
  infer: sameAsInput("Silu"),
  vjp: (g, [x]) => [runOp(siluGradOp, [g, x], {})],
};

function crossEntropyShapes(op: string, logits: Tensor, targets: Tensor): number {
  assertDType(op, "logits", logits.dtype, ["f32", "f64"]);
  assertDType(op, "targets", targets.dtype, ["i32"]);
  if (logits.rank !== 2 || targets.rank !== 1 || targets.shape[0] !== logits.shape[0]) {
    throw new ShapeError(`${op}: needs logits [N, V] and targets [N], got ${formatShape(logits.shape)} and ${formatShape(targets.shape)}`);
  }
  return logits.shape[0];
}

/** A per-row loss's gradient w.r.t. its [N, V] logits: checks the incoming g is [N], gives the logits' shape. */
function rowLossGrad(op: string, g: Tensor, rows: number, logits: Tensor) {
  if (g.rank !== 1 || g.shape[0] !== rows) throw new ShapeError(`${op}: gradient ${formatShape(g.shape)} must be [${rows}]`);
  return { shape: [...logits.shape], dtype: logits.dtype };
}

const softmaxCrossEntropyGradOp: OpDef<"SoftmaxCrossEntropyGrad"> = {
  name: "SoftmaxCrossEntropyGrad",
  infer: ([g, logits, targets]) => rowLossGrad("SoftmaxCrossEntropyGrad", g, crossEntropyShapes("SoftmaxCrossEntropyGrad", logits, targets), logits),
};

/** Rows of SoftmaxKL's [N, V] student and teacher logits (one shape, one float dtype). @throws ShapeError, DTypeError */
export function klShapes(op: string, student: Tensor, teacher: Tensor): number {
  assertDType(op, "student logits", student.dtype, ["f32", "f64"]);
  if (student.rank !== 2 || !shapesEqual(student.shape, teacher.shape) || teacher.dtype !== student.dtype) {
    throw new ShapeError(`${op}: needs student and teacher logits [N, V] of one shape and dtype, got ${formatShape(student.shape)} ${student.dtype} and ${formatShape(teacher.shape)} ${teacher.dtype}`);
  }
  return student.shape[0];
}

const softmaxKLGradOp: OpDef<"SoftmaxKLGrad"> = {
  name: "SoftmaxKLGrad",
  infer: ([g, student, teacher]) => rowLossGrad("SoftmaxKLGrad", g, klShapes("SoftmaxKLGrad", student, teacher), student),
};

/** Per-row KL(softmax(teacher/T) ‖ softmax(student/T)) of [N, V] logits in one pass; the teacher gets no gradient. */
export const softmaxKLOp: OpDef<"SoftmaxKL"> = {
  name: "SoftmaxKL",
  infer: ([student, teacher]) => ({ shape: [klShapes("SoftmaxKL", student, teacher)], dtype: student.dtype }),
  vjp: (g, [student, teacher], _y, attrs) => [runOp(softmaxKLGradOp, [g, student, teacher], attrs), null],
};

/** Per-row cross-entropy of [N, V] logits in one pass (no log-probability tensor); its gradient is softmax − onehot. */
export const softmaxCrossEntropyOp: OpDef<"SoftmaxCrossEntropy"> = {
  name: "SoftmaxCrossEntropy",
  infer: ([logits, targets]) => ({ shape: [crossEntropyShapes("SoftmaxCrossEntropy", logits, targets)], dtype: logits.dtype }),
  vjp: (g, [logits, targets], _y, attrs) => [runOp(softmaxCrossEntropyGradOp, [g, logits, targets], attrs), null],
};
