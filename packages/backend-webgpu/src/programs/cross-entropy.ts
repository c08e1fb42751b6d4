import { errorBinding, ERROR_CODES } from "./errors.js";
import { rowModule } from "./subgroups.js";
import { PARAMS, SPECIAL_FLOATS, storage, WORKGROUP, memo } from "./wgsl.js";

/**
 * Each thread's online max and Σexp over its strided share of row `base..base+w`, then a workgroup merge of
 * the (max, sum) pairs in shared memory: every thread ends with the row's max `m` and Σ exp(x − m) in `s`.
 */
const ONLINE_LSE = `var<workgroup> redM: array<f32, ${WORKGROUP}>;
var<workgroup> redS: array<f32, ${WORKGROUP}>;
fn merge(m1: f32, s1: f32, m2: f32, s2: f32) -> vec2<f32> {
  let m = max(m1, m2);
  if (m == -inf_()) { return vec2<f32>(m, 0.0); }
  return vec2<f32>(m, s1 * exp(m1 - m) + s2 * exp(m2 - m));
}
fn rowLse(base: u32, w: u32, lid: u32) -> vec2<f32> {
  var m = -inf_();
  var s = 0.0;
  for (var j = lid; j < w; j += ${WORKGROUP}u) {
    let x = X[base + j];
    if (x > m) { s = s * exp(m - x) + 1.0; m = x; } else { s += exp(x - m); }
  }
  redM[lid] = m;
  redS[lid] = s;
  workgroupBarrier();
  for (var half = ${WORKGROUP / 2}u; half > 0u; half = half >> 1u) {
    if (lid < half) {
      let r = merge(redM[lid], redS[lid], redM[lid + half], redS[lid + half]);
      redM[lid] = r.x;
      redS[lid] = r.y;
    }
    workgroupBarrier();
  }
  let out = vec2<f32>(redM[0], redS[0]);
  workgroupBarrier();
  return out;
}`;

/** The subgroup version: each thread's online pair, then the row max and Σ exp(x − max) as two reductions. */
const ONLINE_LSE_SG = `fn rowLseSg(sg: vec2u, base: u32, w: u32, lid: u32) -> vec2<f32> {
  var m = -inf_();
  var s = 0.0;
  for (var j = lid; j < w; j += ${WORKGROUP}u) {
    let x = X[base + j];
    if (x > m) { s = s * exp(m - x) + 1.0; m = x; } else { s += exp(x - m); }
  }
  let best = rowMaxSg(sg, m, lid);
  let total = rowSumSg(sg, select(s * exp(m - best), 0.0, m == -inf_()), lid);
  return vec2<f32>(best, total);
}`;

/** The row's target, checked: an index outside [0, V) that is not ignoreIndex is reported and treated as ignored. */
const TARGET = `let t = T[g];
  let ignored = t == bitcast<i32>(p[2]);
  let valid = t >= 0 && u32(t) < w;
  if (!ignored && !valid && lid == 0u) { report(${ERROR_CODES.crossEntropyTarget}u, g, bitcast<u32>(t), w); }
  let keep = !ignored && valid;`;

// Both kernels start a row the same way: its bounds, its target (checked) and its online max/log-sum-exp.
const ROW_START = `  if (g >= p[0]) { return; }
  let w = p[1];
  let base = g * w;
  ${TARGET}
  let lse = rowLse(base, w, lid);`;

/**
 * SoftmaxCrossEntropy: `loss[n] = logsumexp(x[n]) − x[n, t[n]]`, 0 where `t[n]` is ignoreIndex; a workgroup
 * per row with an online max/log-sum-exp (one pass over the row, no log-probability tensor). Params `[N, V, ignoreIndex bits]`.
 */
function crossEntropyProgramSource(subgroups = false): string {
  const declarations = [
    PARAMS,
    storage(1, "X", "f32", "read"),
    storage(2, "T", "i32", "read"),
    storage(3, "L", "f32", "read_write"),
    errorBinding(4),
    SPECIAL_FLOATS,
    ONLINE_LSE,
    ...(subgroups ? [ONLINE_LSE_SG] : []),
  ];
  return rowModule(subgroups, declarations, `${ROW_START}
  if (lid == 0u) { L[g] = select(0.0, lse.x + log(lse.y) - X[base + select(0u, u32(t), keep)], keep); }`);
}

/** SoftmaxCrossEntropyGrad: `dx[n, j] = g[n]·(softmax(x[n])[j] − [j = t[n]])`, a zero row where ignored. Same params. */
function crossEntropyGradProgramSource(subgroups = false): string {
  const declarations = [
    PARAMS,
    storage(1, "G", "f32", "read"),
    storage(2, "X", "f32", "read"),
    storage(3, "T", "i32", "read"),
    storage(4, "D", "f32", "read_write"),
    errorBinding(5),
    SPECIAL_FLOATS,
    ONLINE_LSE,
    ...(subgroups ? [ONLINE_LSE_SG] : []),
  ];
  return rowModule(subgroups, declarations, `${ROW_START}
  let scale = select(0.0, G[g] / lse.y, keep);
  let hit = select(w, u32(t), keep);
  let gk = select(0.0, G[g], keep);
  for (var j = lid; j < w; j += ${WORKGROUP}u) {
    D[base + j] = scale * exp(X[base + j] - lse.x) - select(0.0, gk, j == hit);
  }`);
}

export const crossEntropyProgram = memo(crossEntropyProgramSource);
export const crossEntropyGradProgram = memo(crossEntropyGradProgramSource);
