import { rowModule } from "./subgroups.js";
import { elementwiseMain, PARAMS, SPECIAL_FLOATS, storage, WORKGROUP, memo } from "./wgsl.js";

/** The fused last-axis ops core may hand a backend (forward and gradient kernels). */
export type RowOp = "Softmax" | "LogSoftmax" | "SoftmaxGrad" | "LogSoftmaxGrad" | "LayerNorm" | "LayerNormGrad";

/** Workgroup-wide sum and max over per-thread partials (every thread gets the result; call in uniform control flow). */
export const ROW_REDUCTIONS = `var<workgroup> red: array<f32, ${WORKGROUP}>;
fn rowSum(v: f32, lid: u32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { red[lid] = red[lid] + red[lid + s]; }
    workgroupBarrier();
  }
  let total = red[0];
  workgroupBarrier();
  return total;
}
fn rowMax(v: f32, lid: u32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s && red[lid + s] > red[lid]) { red[lid] = red[lid + s]; }
    workgroupBarrier();
  }
  let best = red[0];
  workgroupBarrier();
  return best;
}`;

/** `for` over this thread's elements of the row. */
export const each = (body: string) => `for (var j = lid; j < w; j += ${WORKGROUP}u) { let k = base + j; ${body} }`;

const MAX_SHIFT = `var m = -inf_();
  ${each("m = max(m, A[k]);")}
  m = rowMax(m, lid);
  var s = 0.0;
  ${each("s += exp(A[k] - m);")}
  s = rowSum(s, lid);`;

const MOMENTS = `var total = 0.0;
  ${each("total += A[k];")}
  let mean = rowSum(total, lid) / f32(w);
  var sq = 0.0;
  ${each("let d = A[k] - mean; sq += d * d;")}
  let rstd = 1.0 / sqrt(rowSum(sq, lid) / f32(w) + bitcast<f32>(p[2]));`;

/** Per op: its inputs (A, then B) and the body after `base`, `w`, `lid` are defined. Mirrors core's cpu/fused.ts. */
const BODIES: Record<RowOp, { inputs: number; body: string }> = {
  Softmax: { inputs: 1, body: `${MAX_SHIFT}\n  ${each("Y[k] = exp(A[k] - m) / s;")}` },
  LogSoftmax: { inputs: 1, body: `${MAX_SHIFT}\n  let shift = m + log(s);\n  ${each("Y[k] = A[k] - shift;")}` },
  // A = gradient, B = softmax output: dx = y ⊙ (g − Σ g⊙y)
  SoftmaxGrad: { inputs: 2, body: `var dot = 0.0;\n  ${each("dot += A[k] * B[k];")}\n  dot = rowSum(dot, lid);\n  ${each("Y[k] = B[k] * (A[k] - dot);")}` },
  // A = gradient, B = log-softmax output: dx = g − exp(y) Σ g
  LogSoftmaxGrad: { inputs: 2, body: `var total = 0.0;\n  ${each("total += A[k];")}\n  total = rowSum(total, lid);\n  ${each("Y[k] = A[k] - exp(B[k]) * total;")}` },
  LayerNorm: { inputs: 1, body: `${MOMENTS}\n  ${each("Y[k] = (A[k] - mean) * rstd;")}` },
  // A = x, B = gradient (bound in this order so MOMENTS reads x): dx = rstd · (g − mean(g) − x̂ · mean(g ⊙ x̂))
  LayerNormGrad: {
    inputs: 2,
    body: `${MOMENTS}
  var gs = 0.0;
  var gx = 0.0;
  ${each("gs += B[k]; gx += B[k] * (A[k] - mean) * rstd;")}
  let gMean = rowSum(gs, lid) / f32(w);
  let gxMean = rowSum(gx, lid) / f32(w);
  ${each("Y[k] = rstd * (B[k] - gMean - (A[k] - mean) * rstd * gxMean);")}`,
  },
};

/** One workgroup per row of the last axis (subgroup reductions where offered). Params `[rows, width, eps as f32 bits]`. */
function rowProgramSource(op: RowOp, subgroups = false): string {
  const { inputs, body } = BODIES[op];
  const bindings = inputs === 1 ? [storage(1, "A", "f32", "read"), storage(2, "Y", "f32", "read_write")] : [storage(1, "A", "f32", "read"), storage(2, "B", "f32", "read"), storage(3, "Y", "f32", "read_write")];
  return rowModule(subgroups, [PARAMS, ...bindings, SPECIAL_FLOATS, ROW_REDUCTIONS], `  if (g >= p[0]) { return; }
  let w = p[1];
  let base = g * w;
  ${body}`);
}

const GELU_C = Math.sqrt(2 / Math.PI).toPrecision(9);
// tanh saturates to ±1 past |u| = 10 in f32; some implementations return NaN there.
const TANH = "fn tanh_(u: f32) -> f32 { return select(tanh(u), sign(u), abs(u) > 10.0); }";

/** GELU (tanh form) and its derivative, elementwise; params `[n]`. GeluGrad binds (gradient, x). */
function geluProgramSource(grad: boolean): string {
  const inner = `let v = X[i];\n  let t = tanh_(${GELU_C} * (v + 0.044715 * v * v * v));`;
  const body = grad
    ? `  ${inner}\n  Y[i] = G[i] * (0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * ${GELU_C} * (1.0 + 3.0 * 0.044715 * v * v));`
    : `  ${inner}\n  Y[i] = 0.5 * v * (1.0 + t);`;
  const bindings = grad ? [storage(1, "G", "f32", "read"), storage(2, "X", "f32", "read"), storage(3, "Y", "f32", "read_write")] : [storage(1, "X", "f32", "read"), storage(2, "Y", "f32", "read_write")];
  return [PARAMS, ...bindings, TANH, elementwiseMain(body)].join("\n");
}

export const rowProgram = memo(rowProgramSource);
export const geluProgram = memo(geluProgramSource);
