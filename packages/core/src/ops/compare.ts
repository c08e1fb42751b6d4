import { runOp, scoped, type OpDef } from "../engine.js";
import { broadcastShapes } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { operands, sameDType, type Operand } from "./helpers.js";

type CompareName = "CmpLt" | "CmpLe" | "CmpEq";

function compare<N extends CompareName>(name: N): OpDef<N> {
  return {
    name,
    infer: ([a, b]) => {
      sameDType(name, [a, b], ["a", "b"]);
      return { shape: broadcastShapes(name, a.shape, b.shape), dtype: "u8" };
    },
  };
}

export const cmpLtOp = compare("CmpLt");
export const cmpLeOp = compare("CmpLe");
export const cmpEqOp = compare("CmpEq");

/** `a < b` as a u8 mask (broadcasting; NaN compares false). */
export const lt = (a: Operand, b: Operand): Tensor => scoped([], () => runOp(cmpLtOp, operands("CmpLt", a, b), {}));
/** `a <= b` as a u8 mask. */
export const le = (a: Operand, b: Operand): Tensor => scoped([], () => runOp(cmpLeOp, operands("CmpLe", a, b), {}));
/** `a == b` as a u8 mask. */
export const eq = (a: Operand, b: Operand): Tensor => scoped([], () => runOp(cmpEqOp, operands("CmpEq", a, b), {}));
/** `a > b` as a u8 mask. */
export const gt = (a: Operand, b: Operand): Tensor => lt(b, a);
/** `a >= b` as a u8 mask. */
export const ge = (a: Operand, b: Operand): Tensor => le(b, a);
/** `a != b` as a u8 mask (NaN != NaN is true). */
export const ne = (a: Operand, b: Operand): Tensor => scoped([], () => eq(eq(a, b), 0));
