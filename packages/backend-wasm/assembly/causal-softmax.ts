// Attention rows: softmax(scale · scores) where query i sees keys j <= i, and its gradient. The scores are
// [..., T, T] rows of width T; row r of a task is query (first + r) % T. Only the visible prefix is read and
// exponentiated (about half of each T x T matrix); the rest of the row is written as exact zeros, which is
// what the unfused mul, -Infinity fill and softmax give and what the gradient must give there too.
import { exp1, exp4, max4, sum4 } from "./rowwise";

/** The first `length` values of a row, times `scale`, into out; returns their max (NaN wins, as in the reference). */
@inline function scaledMax(row: usize, out: usize, length: i32, scale: f32): f32 {
  const n4 = length & ~3;
  const sv = f32x4.splat(scale);
  let m = f32x4.splat(-Infinity);
  let tail: f32 = -Infinity;
  for (let j = 0; j < n4; j += 4) {
    const at = <usize>j * 4;
    const s = f32x4.mul(v128.load(row + at), sv);
    v128.store(out + at, s);
    m = f32x4.max(m, s);
  }
  for (let j = n4; j < length; j++) {
    const at = <usize>j * 4;
    const s = load<f32>(row + at) * scale;
    store<f32>(out + at, s);
    tail = max(tail, s);
  }
  return max(max4(m), tail);
}

/** out[j] = e^(out[j] - shift) for j < length, in place; returns their sum. */
@inline function expInPlace(out: usize, length: i32, shift: f32): f32 {
  const n4 = length & ~3;
  const s = f32x4.splat(shift);
  let acc = f32x4.splat(0);
  for (let j = 0; j < n4; j += 4) {
    const at = <usize>j * 4;
    const e = exp4(f32x4.sub(v128.load(out + at), s));
    v128.store(out + at, e);
    acc = f32x4.add(acc, e);
  }
  let total = sum4(acc);
  for (let j = n4; j < length; j++) {
    const at = <usize>j * 4;
    const e = exp1(load<f32>(out + at) - shift);
    store<f32>(out + at, e);
    total += e;
  }
  return total;
}

/** out[j] *= factor for j < length. */
@inline function scaleInPlace(out: usize, length: i32, factor: f32): void {
  const n4 = length & ~3;
  const f = f32x4.splat(factor);
  for (let j = 0; j < n4; j += 4) v128.store(out + <usize>j * 4, f32x4.mul(v128.load(out + <usize>j * 4), f));
  for (let j = n4; j < length; j++) store<f32>(out + <usize>j * 4, load<f32>(out + <usize>j * 4) * factor);
}

/** y = causal softmax of scale · x over `rows` rows of width T; row r is query (first + r) % T. */
function causalSoftmaxRows(rows: i32, width: i32, first: i32, x: usize, out: usize, scale: f32): void {
  const bytes = <usize>width * 4;
  for (let r = 0; r < rows; r++) {
    const length = (first + r) % width + 1;
    const o = out + <usize>r * bytes;
    const m = scaledMax(x + <usize>r * bytes, o, length, scale);
    const total = expInPlace(o, length, m);
    scaleInPlace(o, length, 1 / total);
    memory.fill(o + <usize>length * 4, 0, <usize>(width - length) * 4);
  }
}

/** dx = scale · y ⊙ (g − Σ_j g⊙y) over the visible prefix, exact zeros past it. */
function causalSoftmaxGradRows(rows: i32, width: i32, first: i32, g: usize, y: usize, out: usize, scale: f32): void {
  const bytes = <usize>width * 4;
  for (let r = 0; r < rows; r++) {
    const length = (first + r) % width + 1;
    const n4 = length & ~3;
    const gr = g + <usize>r * bytes;
    const yr = y + <usize>r * bytes;
    const o = out + <usize>r * bytes;
    let acc = f32x4.splat(0);
    for (let j = 0; j < n4; j += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(gr + <usize>j * 4), v128.load(yr + <usize>j * 4)));
    let dot = sum4(acc);
    for (let j = n4; j < length; j++) dot += load<f32>(gr + <usize>j * 4) * load<f32>(yr + <usize>j * 4);
    const dv = f32x4.splat(dot);
    const sv = f32x4.splat(scale);
    for (let j = 0; j < n4; j += 4) {
      const at = <usize>j * 4;
      v128.store(o + at, f32x4.mul(sv, f32x4.mul(v128.load(yr + at), f32x4.sub(v128.load(gr + at), dv))));
    }
    for (let j = n4; j < length; j++) {
      const at = <usize>j * 4;
      store<f32>(o + at, scale * (load<f32>(yr + at) * (load<f32>(gr + at) - dot)));
    }
    memory.fill(o + <usize>length * 4, 0, <usize>(width - length) * 4);
  }
}

/** The forward (grad false: x = scores) or the gradient (grad true: x = the forward's output y, g its cotangent). */
export function causalSoftmax(grad: bool, rows: i32, width: i32, first: i32, x: usize, g: usize, out: usize, scale: f32): void {
  if (grad) causalSoftmaxGradRows(rows, width, first, g, x, out, scale);
  else causalSoftmaxRows(rows, width, first, x, out, scale);
}
