import type { DType } from "@adaptive-sparse/core";
import { elementwiseMain, ISNAN, PARAMS, storage, wgslType, memo } from "./wgsl.js";

/**
 * Conversion rules of the cpu backend: floats truncate toward zero into i32 (NaN becomes 0, as
 * `Int32Array` stores it) and u8 keeps the low byte like a C cast. Out-of-range floats saturate here,
 * where JavaScript would wrap modulo 2³².
 */
function conversion(from: DType, to: DType): string {
  const toInt = "select(i32(v), 0, isnan_(v))";
  if (from === "f32" && to === "i32") return toInt;
  if (from === "f32" && to === "u8") return `u32(${toInt}) & 255u`;
  if (from === "i32" && to === "u8") return "u32(v) & 255u";
  if (to === "f32") return "f32(v)";
  if (from === "u8" && to === "i32") return "i32(v)";
  return "v";
}

/** `y[i] = cast(x[i])` (params `[n]`). */
function castProgramSource(from: DType, to: DType): string {
  return [
    PARAMS,
    storage(1, "x", wgslType(from), "read"),
    storage(2, "y", wgslType(to), "read_write"),
    ISNAN,
    elementwiseMain(`  let v = x[i];\n  y[i] = ${conversion(from, to)};`),
  ].join("\n");
}

export const castProgram = memo(castProgramSource);
