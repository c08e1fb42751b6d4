import { sizeOf, type OpAttrs } from "@adaptive-sparse/core";
import { MAX_RANK } from "../sources/decompose.js";
import { matmulSource } from "../sources/matmul.js";
import { broadcastStrides } from "../strides.js";
import { commonFallback, REASONS, single, type Info, type Plan } from "./plan.js";

export function matMulPlan(out: Info, [a, b]: readonly Info[], { transA, transB }: OpAttrs["MatMul"]): Plan {
  const reason = commonFallback(out, [a, b], [a, b]);
  if (reason) return { fallback: reason };
  const rank = out.shape.length;
  const [m, n] = [out.shape[rank - 2], out.shape[rank - 1]];
  const k = transA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
  const batch = out.shape.slice(0, -2);
  if (batch.length > MAX_RANK) return { fallback: REASONS.rank };
  const aStrides = broadcastStrides(a.shape.slice(0, -2), batch).map((s) => s * m * k);
  const bStrides = broadcastStrides(b.shape.slice(0, -2), batch).map((s) => s * k * n);
  const params = [sizeOf(out.shape), m, n, k, batch.length, ...batch, ...aStrides, ...bStrides];
  return single(matmulSource(transA, transB), out, [a.handle, b.handle, params]);
}
