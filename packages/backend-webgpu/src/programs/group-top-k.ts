import { errorBinding, ERROR_CODES } from "./errors.js";
import { elementwiseMain, ISNAN, PARAMS, storage, memo } from "./wgsl.js";

/**
 * N:M keep-mask, one thread per group of `m`: element `e` ranks by (score, index) ascending among its group,
 * and the `m − n` lowest ranks are pruned, so among equal scores the lower index goes first (the cpu rule).
 * O(m²) per group, no sorting. Params `[groups, m, n, width]`. A NaN score records an error.
 */
function groupTopKProgramSource(): string {
  return [
    PARAMS,
    storage(1, "S", "f32", "read"),
    storage(2, "Y", "u32", "read_write"),
    errorBinding(3),
    ISNAN,
    elementwiseMain(`  let m = p[1];
  let prune = m - p[2];
  let base = i * m;
  for (var e = 0u; e < m; e++) {
    let v = S[base + e];
    if (isnan_(v)) {
      report(${ERROR_CODES.topKNaN}u, (base + e) / p[3], (base + e) % p[3], 0u);
    }
    var rank = 0u;
    for (var f = 0u; f < m; f++) {
      let w = S[base + f];
      if (w < v || (w == v && f < e)) { rank++; }
    }
    Y[base + e] = select(1u, 0u, rank < prune);
  }`),
  ].join("\n");
}

export const groupTopKProgram = memo(groupTopKProgramSource);
