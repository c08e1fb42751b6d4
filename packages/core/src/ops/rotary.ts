import { assertDType } from "../dtype.js";
import { ShapeError } from "../errors.js";
import { runOp, scoped, type OpDef } from "../engine.js";
import { add, concat, mul, narrow, neg, split } from "../functions.js";
import { formatShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { hasKernels } from "./fused.js";

function checkRotary(op: string, x: Tensor, cos: Tensor, sin: Tensor, start: number): void {
  assertDType(op, "x", x.dtype, ["f32", "f64"]);
  const [T, D] = [x.shape[x.rank - 2], x.shape[x.rank - 1]];
  if (x.rank < 2 || D! % 2 !== 0) throw new ShapeError(`${op}: x must be [..., T, D] with D even (D/2 pairs of features rotate), got ${formatShape(x.shape)}`);
  for (const [name, t] of [["cos", cos], ["sin", sin]] as const) {
    if (t.rank !== 2 || t.shape[1] !== D || t.dtype !== x.dtype) throw new ShapeError(`${op}: ${name} must be ${x.dtype} [positions, ${D}] for x ${formatShape(x.shape)}, got ${t.dtype} ${formatShape(t.shape)}`);
  }
  if (!Number.isInteger(start) || start < 0 || start + T! > cos.shape[0]! || cos.shape[0] !== sin.shape[0]) {
    throw new ShapeError(`${op}: positions ${start}..${start + T! - 1} need at least ${start + T!} table rows in cos and sin; they have ${cos.shape[0]} and ${sin.shape[0]}`);
  }
}

/**
 * x·cos + rotateHalf(x)·sin at positions start..start+T−1 (inverse: x·cos − rotateHalf(x)·sin, the rotation
 * back). Its gradient is the inverse rotation of g: rotateHalf is antisymmetric, and Hugging Face's tables hold
 * each angle in columns j and j + D/2, so sin commutes with it. The tables get no gradient (they are constants).
 */
export const rotaryOp: OpDef<"Rotary"> = {
  name: "Rotary",
  infer: ([x, cos, sin], { start }) => {
    checkRotary("Rotary", x, cos, sin, start);
    return { shape: [...x.shape], dtype: x.dtype };
  },
  vjp: (g, [, cos, sin], _y, attrs) => [runOp(rotaryOp, [g, cos, sin], { ...attrs, inverse: !attrs.inverse }), null, null],
};

/** `[x1, x2] -> [−x2, x1]` over the last axis (halves), Hugging Face's `rotate_half`. */
export function rotateHalf(x: Tensor): Tensor {
  return scoped([x], () => {
    const [x1, x2] = split(x, 2, -1);
    return concat([neg(x2!), x1!], -1);
  });
}

/**
 * Rotary position embedding (LLaMA's `apply_rotary_pos_emb`) of q or k [..., T, D] at positions
 * start..start+T−1: `x·cos + rotateHalf(x)·sin` with the rows start.. of the tables cos and sin [positions, D],
 * which hold each angle in columns j and j + D/2 (Hugging Face's half-split layout). One fused kernel where the
 * backend has it, else narrow, rotateHalf, two products and a sum. The tables get no gradient.
 */
export function rotary(x: Tensor, cos: Tensor, sin: Tensor, start = 0): Tensor {
  checkRotary("rotary", x, cos, sin, start);
  if (hasKernels(x.backend, "Rotary")) return runOp(rotaryOp, [x, cos, sin], { start, inverse: false });
  const T = x.shape[x.rank - 2]!;
  return scoped([x, cos, sin], () => add(mul(x, narrow(cos, 0, start, T)), mul(rotateHalf(x), narrow(sin, 0, start, T))));
}
