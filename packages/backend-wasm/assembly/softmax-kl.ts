// KL(p ‖ q) per row of [N, V] logits with temperature T (the distillation loss): p = softmax(teacher/T),
// q = softmax(student/T). The forward writes Σ_v p (log p − log q) per row (a term with p = 0 counts 0), the
// gradient g · (q − p)/T: each from the two rows' max and log Σ e^((x − max)/T), with no [N, V] temporary.
import { exp1, exp4, logPositive, rowMax, sum4 } from "./rowwise";

/** log Σ e^((x − m)·inv) over a row. */
@inline function logSumScaled(row: usize, width: i32, m: f32, inv: f32): f32 {
  const w4 = width & ~3;
  const mv = f32x4.splat(m), iv = f32x4.splat(inv);
  let acc = f32x4.splat(0);
  for (let i = 0; i < w4; i += 4) acc = f32x4.add(acc, exp4(f32x4.mul(f32x4.sub(v128.load(row + <usize>i * 4), mv), iv)));
  let total = sum4(acc);
  for (let i = w4; i < width; i++) total += exp1((load<f32>(row + <usize>i * 4) - m) * inv);
  return <f32>logPositive(<f64>total);
}

/** Σ p (log p − log q) over a row, log p = (t − mt)·inv − lt and log q = (s − ms)·inv − ls, added in f64. */
@inline function rowKL(s: usize, t: usize, width: i32, ms: f32, ls: f32, mt: f32, lt: f32, inv: f32): f64 {
  const w4 = width & ~3;
  const msv = f32x4.splat(ms), lsv = f32x4.splat(ls), mtv = f32x4.splat(mt), ltv = f32x4.splat(lt), iv = f32x4.splat(inv);
  let acc = f64x2.splat(0);
  for (let i = 0; i < w4; i += 4) {
    const at = <usize>i * 4;
    const logP = f32x4.sub(f32x4.mul(f32x4.sub(v128.load(t + at), mtv), iv), ltv);
    const logQ = f32x4.sub(f32x4.mul(f32x4.sub(v128.load(s + at), msv), iv), lsv);
    const p = exp4(logP);
    // p = 0 (the teacher's −∞, or an underflow) counts 0, even against log q = −∞.
    const term = v128.and(f32x4.mul(p, f32x4.sub(logP, logQ)), f32x4.gt(p, f32x4.splat(0)));
    acc = f64x2.add(acc, f64x2.add(f64x2.promote_low_f32x4(term), f64x2.promote_low_f32x4(v128.shuffle<f32>(term, term, 2, 3, 0, 1))));
  }
  let total = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (let i = w4; i < width; i++) {
    const at = <usize>i * 4;
    const logP = (load<f32>(t + at) - mt) * inv - lt;
    const p = exp1(logP);
    if (p > 0) total += <f64>(p * (logP - ((load<f32>(s + at) - ms) * inv - ls)));
  }
  return total;
}

/** out = scale · (q − p) over a row. */
@inline function rowGrad(s: usize, t: usize, out: usize, width: i32, ms: f32, ls: f32, mt: f32, lt: f32, inv: f32, scale: f32): void {
  const w4 = width & ~3;
  const msv = f32x4.splat(ms), lsv = f32x4.splat(ls), mtv = f32x4.splat(mt), ltv = f32x4.splat(lt), iv = f32x4.splat(inv), sv = f32x4.splat(scale);
  for (let i = 0; i < w4; i += 4) {
    const at = <usize>i * 4;
    const q = exp4(f32x4.sub(f32x4.mul(f32x4.sub(v128.load(s + at), msv), iv), lsv));
    const p = exp4(f32x4.sub(f32x4.mul(f32x4.sub(v128.load(t + at), mtv), iv), ltv));
    v128.store(out + at, f32x4.mul(sv, f32x4.sub(q, p)));
  }
  for (let i = w4; i < width; i++) {
    const at = <usize>i * 4;
    store<f32>(out + at, scale * (exp1((load<f32>(s + at) - ms) * inv - ls) - exp1((load<f32>(t + at) - mt) * inv - lt)));
  }
}

/**
 * Rows of student s and teacher t [rows, width]: the per-row KL into out [rows] (grad false), or the gradient
 * g[r]·(q − p)/T into out [rows, width] (grad true). `inv` is 1/T.
 */
export function softmaxKL(grad: bool, rows: i32, width: i32, s: usize, t: usize, g: usize, out: usize, inv: f32): void {
  const bytes = <usize>width * 4;
  for (let r = 0; r < rows; r++) {
    const sr = s + <usize>r * bytes, tr = t + <usize>r * bytes;
    const ms = rowMax(sr, width), mt = rowMax(tr, width);
    const ls = logSumScaled(sr, width, ms, inv), lt = logSumScaled(tr, width, mt, inv);
    if (grad) rowGrad(sr, tr, out + <usize>r * bytes, width, ms, ls, mt, lt, inv, load<f32>(g + <usize>r * 4) * inv);
    else store<f32>(out + <usize>r * 4, <f32>rowKL(sr, tr, width, ms, ls, mt, lt, inv));
  }
}
