import type { OpAttrs } from "@adaptive-sparse/core";
import { binarySource, unarySource, whereSource, type BinaryOp, type UnaryOp } from "../sources/elementwise.js";
import { MAX_RANK } from "../sources/decompose.js";
import { broadcastStrides, collapse, isContiguous } from "../strides.js";
import { commonFallback, hasNaN, REASONS, single, type Info, type Plan, type PlanContext } from "./plan.js";

function hasNegative(data: ArrayLike<number>): boolean {
  for (let i = 0; i < data.length; i++) if (data[i] < 0) return true;
  return false;
}

export function unaryPlan(op: UnaryOp) {
  return (out: Info, [x]: readonly Info[]): Plan => {
    const reason = commonFallback(out, [x], [x]);
    return reason ? { fallback: reason } : single(unarySource(op), out, [x.handle]);
  };
}

/** Collapsed broadcast params `[n, rank, shape..., strides...]` and which inputs have the output's layout. */
function broadcastParams(out: Info, inputs: readonly Info[]): { params: number[]; same: boolean[] } | null {
  const space = collapse(out.shape, inputs.map((input) => broadcastStrides(input.shape, out.shape)));
  if (space.shape.length > MAX_RANK) return null;
  const same = space.strides.map((strides) => isContiguous(space.shape, strides));
  return { params: [out.handle.length, space.shape.length, ...space.shape, ...space.strides.flat()], same };
}

export function binaryPlan(op: BinaryOp, context: PlanContext) {
  return (out: Info, [a, b]: readonly Info[]): Plan => {
    const reason = commonFallback(out, [a, b], [a, b]);
    if (reason) return { fallback: reason };
    if (op === "Maximum" && (hasNaN(a.handle) || hasNaN(b.handle))) return { fallback: REASONS.nan };
    if (op === "Pow" && context.gpuMath && hasNegative(a.handle)) return { fallback: REASONS.negativePow };
    const plan = broadcastParams(out, [a, b]);
    if (!plan) return { fallback: REASONS.rank };
    return single(binarySource(op, [plan.same[0], plan.same[1]]), out, [a.handle, b.handle, plan.params]);
  };
}

export function wherePlan(out: Info, [cond, a, b]: readonly Info[]): Plan {
  const reason = commonFallback(out, [cond, a, b], [a, b]);
  if (reason) return { fallback: reason };
  const plan = broadcastParams(out, [cond, a, b]);
  if (!plan) return { fallback: REASONS.rank };
  const [sc, sa, sb] = plan.same;
  return single(whereSource([sc, sa, sb]), out, [cond.handle, a.handle, b.handle, plan.params]);
}

export function castPlan(_out: Info, _inputs: readonly Info[], _attrs: OpAttrs["Cast"]): Plan {
  return { fallback: REASONS.cast };
}
