import type { PrimitiveName } from "@adaptive-sparse/core";
import { elementwiseMain, ISNAN, PARAMS, storage, type WgslType, memo } from "./wgsl.js";

export type UnaryOp = Extract<PrimitiveName, "Neg" | "Exp" | "Log" | "Sqrt" | "Reciprocal" | "Tanh">;

const EXPRESSIONS: Record<UnaryOp, (type: WgslType) => string> = {
  Neg: () => "-v",
  Exp: () => "exp(v)",
  Log: () => "log(v)",
  Sqrt: () => "sqrt(v)",
  Reciprocal: () => "1.0 / v",
  // Past |v| = 10 tanh is ±1 in f32; some implementations overflow exp() inside tanh and return NaN there.
  Tanh: () => "select(tanh(v), sign(v), abs(v) > 10.0 && !isnan_(v))",
};

/** `y[i] = f(x[i])` (params `[n]`). */
function unaryProgramSource(op: UnaryOp, type: WgslType): string {
  return [
    PARAMS,
    storage(1, "x", type, "read"),
    storage(2, "y", type, "read_write"),
    ISNAN,
    elementwiseMain(`  let v = x[i];\n  y[i] = ${EXPRESSIONS[op](type)};`),
  ].join("\n");
}

export const unaryProgram = memo(unaryProgramSource);
