import type { DType } from "@adaptive-sparse/core";
import type { KernelSource } from "./common.js";
import { binarySource, BINARY, copySource, unarySource, UNARY, whereSource } from "./elementwise.js";
import { ADAMW_SOURCE, gatherSource, groupTopKSource, scatterAddSource, TO_BF16_SOURCE } from "./indexing.js";
import { CAUSAL_SOFTMAX_GRAD_SOURCE, CAUSAL_SOFTMAX_SOURCE } from "./causal-softmax.js";
import { argMaxSource, reduceBlockSource, reduceThreadSource } from "./reduce.js";
import { CROSS_ENTROPY_GRAD_SOURCE, CROSS_ENTROPY_SOURCE, ROW_GRAD_SOURCES, ROW_SOURCES } from "./rows.js";

const TYPES: readonly DType[] = ["f32", "i32", "u8"];
const COMPARISONS = new Set(["CmpLt", "CmpLe", "CmpEq"]);

/** Every kernel the backend can generate, over every dtype combination it launches (for compile checks). */
export function allKernelSources(): KernelSource[] {
  const sources: KernelSource[] = [];
  for (const op of Object.keys(UNARY)) for (const t of op === "Gelu" ? (["f32"] as const) : TYPES) sources.push(unarySource(op, t, op === "Neg" ? t : "f32"));
  sources.push(unarySource("Neg", "f32", "f32"));
  for (const op of Object.keys(BINARY)) {
    for (const t of op === "GeluGrad" ? (["f32"] as const) : TYPES) sources.push(binarySource(op, t, COMPARISONS.has(op) ? "u8" : t));
  }
  for (const t of TYPES) {
    sources.push(whereSource(t), gatherSource(t), groupTopKSource(t, 4), argMaxSource(t, "i32"));
    for (const to of TYPES) sources.push(copySource(t, to));
    for (const kind of ["sum", "max"] as const) sources.push(reduceThreadSource(kind, t), reduceBlockSource(kind, t));
  }
  sources.push(scatterAddSource("f32"), scatterAddSource("i32"), groupTopKSource("f32", 8));
  sources.push(...Object.values(ROW_SOURCES), ...Object.values(ROW_GRAD_SOURCES));
  sources.push(CROSS_ENTROPY_SOURCE, CROSS_ENTROPY_GRAD_SOURCE, ADAMW_SOURCE, TO_BF16_SOURCE, CAUSAL_SOFTMAX_SOURCE, CAUSAL_SOFTMAX_GRAD_SOURCE);
  return [...new Map(sources.map((s) => [s.source, s])).values()];
}
