import type { PrimitiveName } from "@adaptive-sparse/core";
import { readIndex, type ReadMode } from "./operands.js";
import { elementwiseMain, ISNAN, OFFSET_OF, PARAMS, SPECIAL_FLOATS, storage, type WgslType, memo } from "./wgsl.js";

export type BinaryOp = Extract<PrimitiveName, "Add" | "Mul" | "Pow" | "Maximum" | "CmpLt" | "CmpLe" | "CmpEq">;

/**
 * `a ** b` with JavaScript's special cases. WGSL's `pow` is `exp2(b·log2 a)`: undefined for a < 0 and
 * inexact for small integer powers. So integer exponents up to 64 use square-and-multiply, the rest use
 * `pow` on |a| with the sign of an odd integer power, and a negative base with a fractional power is NaN.
 */
const POW = `fn pow_(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (isnan_(a) || isnan_(b)) { return nan_(); }
  let integer = b == trunc(b);
  if (integer && abs(b) <= 64.0) {
    var e = u32(abs(b));
    var base = a;
    var acc = 1.0;
    loop {
      if ((e & 1u) == 1u) { acc *= base; }
      e = e >> 1u;
      if (e == 0u) { break; }
      base *= base;
    }
    return select(acc, 1.0 / acc, b < 0.0);
  }
  if (a < 0.0 && !integer) { return nan_(); }
  let m = abs(a);
  var r = pow(m, b);
  if (m == 0.0) { r = select(0.0, inf_(), b < 0.0); }
  let odd = integer && trunc(b * 0.5) != b * 0.5;
  return select(r, -r, a < 0.0 && odd);
}`;

/** NaN-propagating maximum (WGSL's `max` may drop a NaN operand). */
const MAX_F32 = "fn max_(a: f32, b: f32) -> f32 { if (isnan_(a)) { return a; } if (isnan_(b)) { return b; } return max(a, b); }";

function expression(op: BinaryOp, type: WgslType): string {
  switch (op) {
    case "Add":
      return "a + b";
    case "Mul":
      return "a * b";
    case "Pow":
      return "pow_(a, b)";
    case "Maximum":
      return type === "f32" ? "max_(a, b)" : "max(a, b)";
    case "CmpLt":
      return "select(0u, 1u, a < b)";
    case "CmpLe":
      return "select(0u, 1u, a <= b)";
    case "CmpEq":
      return "select(0u, 1u, a == b)";
  }
}

/** `y[i] = a[ia] ∘ b[ib]` with broadcasting by strides (params from `planBroadcast`). Comparisons write u32 0/1. */
function binaryProgramSource(op: BinaryOp, type: WgslType, modes: readonly ReadMode[]): string {
  const outType = op.startsWith("Cmp") ? "u32" : type;
  return [
    PARAMS,
    storage(1, "A", type, "read"),
    storage(2, "B", type, "read"),
    storage(3, "Y", outType, "read_write"),
    ISNAN,
    SPECIAL_FLOATS,
    type === "f32" ? POW + "\n" + MAX_F32 : "",
    OFFSET_OF,
    elementwiseMain(`  let a = A[${readIndex(modes[0], 0)}];\n  let b = B[${readIndex(modes[1], 1)}];\n  Y[i] = ${expression(op, type)};`),
  ].join("\n");
}

export const binaryProgram = memo(binaryProgramSource);
