import { DTypeError } from "../errors.js";
import { runOp, scoped, type OpDef } from "../engine.js";
import { broadcastShapes } from "../shape.js";
import { Tensor } from "../tensor.js";
import { sumTo, where as whereFn } from "../functions.js";
import { scalarLike, sameDType, type Operand } from "./helpers.js";

export const whereOp: OpDef<"Where"> = {
  name: "Where",
  infer: ([cond, a, b]) => {
    if (cond.dtype !== "u8") throw new DTypeError(`Where: condition has dtype ${cond.dtype}, expected a u8 mask (from a comparison, or .cast('u8'))`);
    const dtype = sameDType("Where", [a, b], ["a", "b"]);
    const shape = broadcastShapes("Where", broadcastShapes("Where", cond.shape, a.shape, ["condition", "a"]), b.shape, ["condition/a", "b"]);
    return { shape, dtype };
  },
  // A broadcast scalar zero, not a zeros tensor of g's shape: attention scores' gradient would otherwise
  // allocate and fill a [B, H, T, T] buffer of zeros per layer.
  vjp: (g, [cond, a, b]) => [
    null,
    a.requiresGrad ? sumTo(whereFn(cond, g, 0), a.shape) : null,
    b.requiresGrad ? sumTo(whereFn(cond, 0, g), b.shape) : null,
  ],
};

/** Picks `a` where `condition` is 1 and `b` elsewhere, with broadcasting. */
export function where(condition: Tensor, a: Operand, b: Operand): Tensor {
  return scoped([a, b], () => {
    const like = a instanceof Tensor ? a : b instanceof Tensor ? b : null;
    const ta = a instanceof Tensor ? a : scalarLike(a, like ?? condition, like?.dtype ?? "f32");
    const tb = b instanceof Tensor ? b : scalarLike(b, ta);
    return runOp(whereOp, [condition, ta, tb], {});
  });
}
