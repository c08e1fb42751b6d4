import { assertDType } from "../dtype.js";
import { runOp, scoped, type OpDef } from "../engine.js";
import { broadcastShapes } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { add as addFn, cast, eq, gt, log, mul as mulFn, pow as powFn, sub, sumTo, where } from "../functions.js";
import { operands, sameDType, type Operand } from "./helpers.js";

type BinaryName = "Add" | "Mul" | "Pow" | "Maximum";

function binary<N extends BinaryName>(name: N, vjp: OpDef<N>["vjp"], floatOnly = false): OpDef<N> {
  return {
    name,
    infer: ([a, b]) => {
      const dtype = sameDType(name, [a, b], ["a", "b"]);
      if (floatOnly) assertDType(name, "a", dtype, ["f32", "f64"]);
      else assertDType(name, "a", dtype, ["f32", "f64", "i32"]);
      return { shape: broadcastShapes(name, a.shape, b.shape), dtype };
    },
    vjp,
  };
}

export const addOp = binary("Add", (g, [a, b]) => [sumTo(g, a.shape), sumTo(g, b.shape)]);
export const mulOp = binary("Mul", (g, [a, b]) => [
  a.requiresGrad ? sumTo(mulFn(g, b), a.shape) : null,
  b.requiresGrad ? sumTo(mulFn(g, a), b.shape) : null,
]);
export const powOp = binary(
  "Pow",
  (g, [a, b], y) => [
    a.requiresGrad ? sumTo(mulFn(g, mulFn(b, powFn(a, sub(b, 1)))), a.shape) : null,
    // d(a^b)/db = a^b·ln a; where a == 0 PyTorch defines it as 0 (the limit for b > 0).
    b.requiresGrad ? sumTo(mulFn(g, where(eq(a, 0), 0, mulFn(y, log(a)))), b.shape) : null,
  ],
  true,
);
/** Ties split the gradient evenly between both inputs, as PyTorch's `maximum` does. */
export const maximumOp = binary("Maximum", (g, [a, b]) => {
  const share = (x: Tensor, y: Tensor) => addFn(cast(gt(x, y), g.dtype), mulFn(cast(eq(x, y), g.dtype), 0.5));
  return [
    a.requiresGrad ? sumTo(mulFn(g, share(a, b)), a.shape) : null,
    b.requiresGrad ? sumTo(mulFn(g, share(b, a)), b.shape) : null,
  ];
});

/** `a + b` with broadcasting. @example add(tensor([1, 2]), 1) // [2, 3] */
export const add = (a: Operand, b: Operand): Tensor => scoped([a, b], () => runOp(addOp, operands("Add", a, b), {}));
/** `a * b` with broadcasting. */
export const mul = (a: Operand, b: Operand): Tensor => scoped([a, b], () => runOp(mulOp, operands("Mul", a, b), {}));
/** `a ** b` with broadcasting (float dtypes). */
export const pow = (a: Operand, b: Operand): Tensor => scoped([a, b], () => runOp(powOp, operands("Pow", a, b), {}));
/** Elementwise maximum with broadcasting (NaN propagates). */
export const maximum = (a: Operand, b: Operand): Tensor => scoped([a, b], () => runOp(maximumOp, operands("Maximum", a, b), {}));
