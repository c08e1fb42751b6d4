import { assertDType } from "../dtype.js";
import { runOp, type OpDef } from "../engine.js";
import type { Tensor } from "../tensor.js";
import { div, mul, square, sub } from "../functions.js";

type UnaryName = "Neg" | "Exp" | "Log" | "Sqrt" | "Reciprocal" | "Tanh";

function unary<N extends UnaryName>(name: N, floatOnly: boolean, vjp: OpDef<N>["vjp"]): OpDef<N> {
  return {
    name,
    infer: ([x]) => {
      assertDType(name, "x", x.dtype, floatOnly ? ["f32", "f64"] : ["f32", "f64", "i32"]);
      return { shape: [...x.shape], dtype: x.dtype };
    },
    vjp,
  };
}

// d/dx of each elementwise function, written with ops so higher backends run it too.
export const negOp = unary("Neg", false, (g) => [mul(g, -1)]);
export const expOp = unary("Exp", true, (g, _x, y) => [mul(g, y)]);
export const logOp = unary("Log", true, (g, [x]) => [div(g, x)]);
export const sqrtOp = unary("Sqrt", true, (g, _x, y) => [div(g, mul(y, 2))]);
export const reciprocalOp = unary("Reciprocal", true, (g, _x, y) => [mul(g, mul(square(y), -1))]);
export const tanhOp = unary("Tanh", true, (g, _x, y) => [mul(g, sub(1, square(y)))]);

/** Elementwise `-x`. */
export const neg = (x: Tensor): Tensor => runOp(negOp, [x], {});
/** Elementwise `e^x`. */
export const exp = (x: Tensor): Tensor => runOp(expOp, [x], {});
/** Elementwise natural log (−inf at 0, NaN below). */
export const log = (x: Tensor): Tensor => runOp(logOp, [x], {});
/** Elementwise square root. */
export const sqrt = (x: Tensor): Tensor => runOp(sqrtOp, [x], {});
/** Elementwise `1/x`. */
export const reciprocal = (x: Tensor): Tensor => runOp(reciprocalOp, [x], {});
/** Elementwise hyperbolic tangent. */
export const tanh = (x: Tensor): Tensor => runOp(tanhOp, [x], {});

