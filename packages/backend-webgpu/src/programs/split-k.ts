import { elementwiseMain, PARAMS, storage, memo } from "./wgsl.js";

/**
 * The second pass of a split-K GEMM: `C[i] = Σ_s P[s · MN + i]`, slices summed in order (deterministic: the
 * same bits every run). Params `[MN, slices]`.
 */
function splitKSumSource(): string {
  return [
    PARAMS,
    storage(1, "P", "f32", "read"),
    storage(2, "C", "f32", "read_write"),
    elementwiseMain(`  let size = p[0];
  var acc = 0.0;
  for (var s = 0u; s < p[1]; s++) { acc += P[s * size + i]; }
  C[i] = acc;`),
  ].join("\n");
}

export const splitKSumProgram = memo(splitKSumSource);
