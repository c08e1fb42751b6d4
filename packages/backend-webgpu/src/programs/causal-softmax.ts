import { each as every, ROW_REDUCTIONS } from "./rows.js";
import { rowModule } from "./subgroups.js";
import { PARAMS, SPECIAL_FLOATS, storage, WORKGROUP, memo } from "./wgsl.js";

/** `for` over this thread's visible columns j ≤ i of the row. */
const visible = (body: string) => `for (var j = lid; j <= i; j += ${WORKGROUP}u) { let k = base + j; ${body} }`;

// A = scores: y = softmax(scale·a) over j ≤ i, 0 beyond. Row i always sees j = 0, so the sum is never 0.
const FORWARD = `var m = -inf_();
  ${visible("m = max(m, scale * A[k]);")}
  m = rowMax(m, lid);
  var s = 0.0;
  ${visible("s += exp(scale * A[k] - m);")}
  s = rowSum(s, lid);
  ${every("Y[k] = select(0.0, exp(scale * A[k] - m) / s, j <= i);")}`;

// A = gradient, B = output y: dx = scale · y ⊙ (g − Σ g⊙y); masked columns have y = 0, so they add nothing.
const BACKWARD = `var dot = 0.0;
  ${visible("dot += A[k] * B[k];")}
  dot = rowSum(dot, lid);
  ${every("Y[k] = scale * B[k] * (A[k] - dot);")}`;

/**
 * Attention rows of [..., T, T]: one workgroup per row, the row's index within its [T, T] block is `g % T`.
 * Params `[rows, T, scale as f32 bits]`.
 */
function causalSoftmaxSource(grad: boolean, subgroups = false): string {
  const bindings = grad
    ? [storage(1, "A", "f32", "read"), storage(2, "B", "f32", "read"), storage(3, "Y", "f32", "read_write")]
    : [storage(1, "A", "f32", "read"), storage(2, "Y", "f32", "read_write")];
  return rowModule(subgroups, [PARAMS, ...bindings, SPECIAL_FLOATS, ROW_REDUCTIONS], `  if (g >= p[0]) { return; }
  let w = p[1];
  let base = g * w;
  let i = g % w;
  let scale = bitcast<f32>(p[2]);
  ${grad ? BACKWARD : FORWARD}`);
}

export const causalSoftmaxProgram = memo(causalSoftmaxSource);
