import { sizeOf, stridesOf, type OpAttrs } from "@adaptive-sparse/core";
import { MAX_RANK } from "../sources/decompose.js";
import { concatPairSource, padSource, stridedGatherSource } from "../sources/movement.js";
import { broadcastStrides, collapse } from "../strides.js";
import { commonFallback, REASONS, single, andThen, type Info, type Maybe, type Plan } from "./plan.js";

/** `y[i] = x[base + offset(i)]` over the output space with the given input strides. */
function gatherPlan(out: Info, x: Info, strides: readonly number[], base: number): Plan {
  const reason = commonFallback(out, [x], [x]);
  if (reason) return { fallback: reason };
  const space = collapse(out.shape, [strides]);
  if (space.shape.length > MAX_RANK) return { fallback: REASONS.rank };
  return single(stridedGatherSource(), out, [x.handle, [out.handle.length, space.shape.length, base, ...space.shape, ...space.strides[0]]]);
}

export function permutePlan(out: Info, [x]: readonly Info[], { perm }: OpAttrs["Permute"]): Plan {
  const strides = stridesOf(x.shape);
  return gatherPlan(out, x, perm.map((axis) => strides[axis]), 0);
}

export function expandPlan(out: Info, [x]: readonly Info[]): Plan {
  return gatherPlan(out, x, broadcastStrides(x.shape, out.shape), 0);
}

export function slicePlan(out: Info, [x]: readonly Info[], { begin }: OpAttrs["Slice"]): Plan {
  const strides = stridesOf(x.shape);
  return gatherPlan(out, x, strides, begin.reduce((acc, start, i) => acc + start * strides[i], 0));
}

export function padPlan(out: Info, [x]: readonly Info[], { before }: OpAttrs["Pad"]): Plan {
  const reason = commonFallback(out, [x], [x]);
  if (reason) return { fallback: reason };
  if (x.shape.length > MAX_RANK) return { fallback: REASONS.rank };
  const params = [out.handle.length, x.shape.length, ...out.shape, ...before, ...x.shape, ...stridesOf(x.shape)];
  return single(padSource(), out, [x.handle, params]);
}

/** Inputs joined pairwise: each step appends the next input's rows (width `shape[axis] · inner`). */
export function concatPlan(out: Info, inputs: readonly Info[], { axis }: OpAttrs["Concat"]): Plan {
  const reason = commonFallback(out, inputs, inputs);
  if (reason) return { fallback: reason };
  const outer = sizeOf(out.shape.slice(0, axis));
  const inner = sizeOf(out.shape.slice(axis + 1));
  return {
    compute(call) {
      let joined: Maybe<ArrayLike<number>> = inputs[0].handle;
      let width = inputs[0].shape[axis] * inner;
      for (const next of inputs.slice(1)) {
        const [wa, wb] = [width, next.shape[axis] * inner];
        joined = andThen(joined, (a) => call(concatPairSource(), outer * (wa + wb), [a, next.handle, [outer * (wa + wb), wa, wb]]));
        width = wa + wb;
      }
      return joined;
    },
  };
}
