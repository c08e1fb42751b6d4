import type { OpAttrs } from "@adaptive-sparse/core";
import { gatherSource, groupTopKSource, scatterAddSource } from "../sources/indexing.js";
import { commonFallback, hasNaN, REASONS, single, type Info, type Plan } from "./plan.js";

function indicesInRange(indices: ArrayLike<number>, rows: number): boolean {
  for (let i = 0; i < indices.length; i++) if (indices[i] < 0 || indices[i] >= rows) return false;
  return true;
}

export function gatherPlan(out: Info, [table, indices]: readonly Info[]): Plan {
  const reason = commonFallback(out, [table, indices], [table]);
  if (reason) return { fallback: reason };
  if (!indicesInRange(indices.handle, table.shape[0])) return { fallback: REASONS.badIndex };
  return single(gatherSource(), out, [table.handle, indices.handle, [out.handle.length, out.handle.length / indices.handle.length]]);
}

export function scatterAddPlan(out: Info, [src, indices]: readonly Info[], { size }: OpAttrs["ScatterAdd"]): Plan {
  const reason = commonFallback(out, [src, indices], [src]);
  if (reason) return { fallback: reason };
  if (!indicesInRange(indices.handle, size)) return { fallback: REASONS.badIndex };
  const width = out.handle.length / size;
  return single(scatterAddSource(), out, [src.handle, indices.handle, [out.handle.length, width, indices.handle.length]]);
}

export function groupTopKPlan(out: Info, [scores]: readonly Info[], { n, m }: OpAttrs["GroupTopK"]): Plan {
  const reason = commonFallback(out, [scores], [scores]);
  if (reason) return { fallback: reason };
  if (hasNaN(scores.handle)) return { fallback: REASONS.nan };
  return single(groupTopKSource(), out, [scores.handle, [out.handle.length, m, m - n]]);
}
