import { stridesOf } from "@adaptive-sparse/core";
import { MAX_RANK } from "../sources/decompose.js";
import { reduceSource, type ReduceOp } from "../sources/reduce.js";
import { collapse } from "../strides.js";
import { commonFallback, hasNaN, REASONS, single, type Info, type Plan } from "./plan.js";

function reducePlan(op: ReduceOp, out: Info, x: Info, axes: readonly number[]): Plan {
  const reason = commonFallback(out, [x], [x]);
  if (reason) return { fallback: reason };
  if (op !== "sum" && hasNaN(x.handle)) return { fallback: REASONS.nan };
  const strides = stridesOf(x.shape);
  const keptAxes = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const kept = collapse(keptAxes.map((i) => x.shape[i]), [keptAxes.map((i) => strides[i])]);
  const reduced = collapse(axes.map((i) => x.shape[i]), [axes.map((i) => strides[i])]);
  if (kept.shape.length > MAX_RANK || reduced.shape.length > MAX_RANK) return { fallback: REASONS.rank };
  const length = reduced.shape.reduce((a, b) => a * b, 1);
  const params = [
    out.handle.length, length, kept.shape.length, reduced.shape.length,
    ...kept.shape, ...kept.strides[0], ...reduced.shape, ...reduced.strides[0],
  ];
  return single(reduceSource(op), out, [x.handle, params]);
}

export const reduceSumPlan = (out: Info, [x]: readonly Info[], { axes }: { axes: number[] }): Plan => reducePlan("sum", out, x, axes);
export const reduceMaxPlan = (out: Info, [x]: readonly Info[], { axes }: { axes: number[] }): Plan => reducePlan("max", out, x, axes);
export const argMaxPlan = (out: Info, [x]: readonly Info[], { axis }: { axis: number }): Plan => reducePlan("argmax", out, x, [axis]);
