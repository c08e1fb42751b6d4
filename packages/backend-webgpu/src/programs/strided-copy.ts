import { elementwiseMain, OFFSET_OF, PARAMS, storage, memo } from "./wgsl.js";

/**
 * Copies 32-bit words between a contiguous and a strided layout; every movement op is one of these.
 * - `gather` (Permute, Expand, Slice): `y[i] = x[base + offset(i)]`, the output contiguous.
 * - `scatter` (Pad, Concat): `y[base + offset(i)] = x[i]`, the input contiguous.
 *
 * Params: `[n, rank, base, shape..., strides...]`. Words are copied as u32, so one shader serves every dtype.
 */
function stridedCopyProgramSource(direction: "gather" | "scatter"): string {
  const offset = "p[2] + offsetOf(i, p[1], 3u, 3u + p[1])";
  const body = direction === "gather" ? `  Y[i] = X[${offset}];` : `  Y[${offset}] = X[i];`;
  return [PARAMS, storage(1, "X", "u32", "read"), storage(2, "Y", "u32", "read_write"), OFFSET_OF, elementwiseMain(body)].join("\n");
}

export const stridedCopyProgram = memo(stridedCopyProgramSource);
