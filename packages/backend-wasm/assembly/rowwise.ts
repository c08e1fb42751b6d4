// The transcendental and row-reduction kernels of a training step (GELU, SiLU, softmax, log-softmax, layer
// norm, RMS norm and their gradients) on f32x4. In JavaScript these cost 15-30 ns per element, mostly in
// Math.exp and Math.tanh; here a polynomial exp on four lanes makes them memory-bound. Every kernel works on
// `rows` contiguous rows of `width` floats; elementwise ones (GELU, SiLU) are called with any row split.

import { madd } from "./simd";

export const ROW_GELU: i32 = 0;
export const ROW_GELU_GRAD: i32 = 1;
export const ROW_SOFTMAX: i32 = 2;
export const ROW_LOG_SOFTMAX: i32 = 3;
export const ROW_SOFTMAX_GRAD: i32 = 4;
export const ROW_LOG_SOFTMAX_GRAD: i32 = 5;
export const ROW_LAYER_NORM: i32 = 6;
export const ROW_LAYER_NORM_GRAD: i32 = 7;
export const ROW_RMS_NORM: i32 = 8;
export const ROW_RMS_NORM_GRAD: i32 = 9;
export const ROW_SILU: i32 = 10;
export const ROW_SILU_GRAD: i32 = 11;
export const ROW_ABS: i32 = 12;

const LOG2E: f32 = 1.44269504;
// ln 2 split in two (Cody-Waite): k·LN2_HI is exact for the k an f32 exp can need.
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
/** Below ln(smallest normal f32) the result is 0; above ln(2^127 · 1.99) it is +Infinity. */
const EXP_MIN: f32 = -87.33654;
const EXP_MAX: f32 = 88.37626;
const GELU_C: f32 = 0.7978845608; // sqrt(2 / pi)
const GELU_A: f32 = 0.044715;

/** 1.5 · 2^23: adding it to an f32 below 2^22 in magnitude rounds it to an integer (ties to even) held in the low mantissa bits. */
const ROUNDER: f32 = 12582912.0;

/**
 * e^x per lane: x = k·ln2 + r with |r| ≤ ln2/2, e^r by its Taylor series to r^7 (truncation < 6e-9
 * relative), 2^k by building the exponent bits. NaN stays NaN, underflow gives 0, overflow +Infinity.
 * Written with the instructions V8 maps 1:1 onto x64 (an add and a subtract of ROUNDER for round-to-nearest
 * and the integer k, pmin/pmax for the clamp) rather than f32x4.nearest, i32x4.trunc_sat and the NaN-safe
 * f32x4.min/max, which each expand into several: the same bits for every input (k is integral and small;
 * the clamp bounds are not zero, and a NaN still comes out NaN), and fewer instructions per lane. The
 * relaxed-SIMD build fuses each multiply-add of the reduction and the series (a quarter fewer instructions,
 * and one rounding instead of two); the baseline build computes exactly what it did unfused.
 * The tails take one instruction each where a bitselect takes three (x64 has no vector select without
 * AVX-512, so V8 emits and/andnot/or): underflow clears the lane (andnot), overflow raises it to +Infinity
 * (pmax with Infinity there and +0 elsewhere, which leaves every e ≥ +0 and a NaN as they are). And 2^k's
 * exponent field comes from shifted's bits in one integer subtract (k + 127 = bits − (ROUNDER's bits −
 * 127)). With two constants and five instructions fewer, the loops that inline this keep more of its
 * constants in registers (x64 has 16 vector registers; it needs 15 constants).
 */
@inline export function exp4(x: v128): v128 {
  const clamped = f32x4.pmax(f32x4.pmin(x, f32x4.splat(EXP_MAX)), f32x4.splat(EXP_MIN));
  const shifted = madd(clamped, f32x4.splat(LOG2E), f32x4.splat(ROUNDER));
  const k = f32x4.sub(shifted, f32x4.splat(ROUNDER));
  const r = madd(k, f32x4.splat(-LN2_LO), madd(k, f32x4.splat(-LN2_HI), clamped));
  let p = f32x4.splat(1.0 / 5040.0);
  p = madd(p, r, f32x4.splat(1.0 / 720.0));
  p = madd(p, r, f32x4.splat(1.0 / 120.0));
  p = madd(p, r, f32x4.splat(1.0 / 24.0));
  p = madd(p, r, f32x4.splat(1.0 / 6.0));
  p = madd(p, r, f32x4.splat(0.5));
  p = madd(p, r, f32x4.splat(1.0));
  p = madd(p, r, f32x4.splat(1.0));
  // shifted's bits minus ROUNDER's are k as an integer (its exponent field is the same for every k here).
  const scale = i32x4.shl(i32x4.sub(shifted, i32x4.splat(reinterpret<i32>(ROUNDER) - 127)), 23);
  const e = v128.andnot(f32x4.mul(p, scale), f32x4.lt(x, f32x4.splat(EXP_MIN)));
  return f32x4.pmax(e, v128.and(f32x4.gt(x, f32x4.splat(88.72283)), f32x4.splat(Infinity)));
}

/** The same e^x on one value (row tails), so a row's result does not depend on where the tail starts. */
@inline export function exp1(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}

/**
 * ln x for the positive row sums of log-softmax, without lookup tables: AssemblyScript's Math.log keeps
 * its tables in a data segment, and this module must have none (the JavaScript arena owns all memory).
 * x = 2^e · m with m in [√½, √2); ln m = 2·atanh(s), s = (m-1)/(m+1), |s| < 0.172, series to s^15.
 */
export function logPositive(x: f64): f64 {
  if (!(x > 0) || x == Infinity) return x == 0 ? -Infinity : x == Infinity ? Infinity : NaN;
  let bits = reinterpret<u64>(x);
  let e = <i32>((bits >> 52) & 0x7ff) - 1023;
  if (e == -1023) {
    // subnormal: scale into the normal range first
    bits = reinterpret<u64>(x * 18014398509481984.0); // 2^54
    e = <i32>((bits >> 52) & 0x7ff) - 1023 - 54;
  }
  let m = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000);
  if (m > 1.4142135623730951) {
    m *= 0.5;
    e += 1;
  }
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  const series = 1 + s2 * (1.0 / 3 + s2 * (1.0 / 5 + s2 * (1.0 / 7 + s2 * (1.0 / 9 + s2 * (1.0 / 11 + s2 * (1.0 / 13 + s2 / 15))))));
  return <f64>e * 0.6931471805599453 + 2 * s * series;
}

@inline export function sum4(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

@inline export function max4(v: v128): f32 {
  return max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

/** σ(2y) for GELU's inner y = C(v + A v³), written as 1 / (1 + e^(-2y)): exact in both tails, unlike 1 + tanh. */
@inline function geluGate4(v: v128): v128 {
  const inner = f32x4.mul(f32x4.splat(GELU_C), f32x4.add(v, f32x4.mul(f32x4.splat(GELU_A), f32x4.mul(v, f32x4.mul(v, v)))));
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), exp4(f32x4.mul(f32x4.splat(-2), inner))));
}

/** gelu(v) = v·σ(2y). */
@inline function gelu4(v: v128): v128 {
  return f32x4.mul(v, geluGate4(v));
}

/** g · d gelu/dv = g · (s + v·s(1-s)·2C(1 + 3A v²)) with s = σ(2y). */
@inline function geluGrad4(g: v128, v: v128): v128 {
  const s = geluGate4(v);
  const dy = f32x4.mul(f32x4.splat(2 * GELU_C), f32x4.add(f32x4.splat(1), f32x4.mul(f32x4.splat(3 * GELU_A), f32x4.mul(v, v))));
  const d = f32x4.add(s, f32x4.mul(f32x4.mul(v, f32x4.mul(s, f32x4.sub(f32x4.splat(1), s))), dy));
  return f32x4.mul(g, d);
}

/** σ(v) = 1 / (1 + e^(−v)): 0 where e^(−v) overflows, 1 where it underflows. */
@inline function sigmoid4(v: v128): v128 {
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), exp4(f32x4.neg(v))));
}

/** silu(v) = v·σ(v). */
@inline function silu4(v: v128): v128 {
  return f32x4.mul(v, sigmoid4(v));
}

/** g · d silu/dv = g · σ(v)·(1 + v·(1 − σ(v))). */
@inline function siluGrad4(g: v128, v: v128): v128 {
  const s = sigmoid4(v);
  return f32x4.mul(g, f32x4.mul(s, f32x4.add(f32x4.splat(1), f32x4.mul(v, f32x4.sub(f32x4.splat(1), s)))));
}

/** GELU, SiLU or |v| (op ROW_GELU, ROW_SILU or ROW_ABS, a constant at each inlined call, so one branch is compiled). */
@inline function activation4(op: i32, v: v128): v128 {
  if (op == ROW_ABS) return f32x4.abs(v);
  return op == ROW_SILU ? silu4(v) : gelu4(v);
}

/** The gradient of activation4's op times g. */
@inline function activationGrad4(op: i32, g: v128, v: v128): v128 {
  return op == ROW_SILU ? siluGrad4(g, v) : geluGrad4(g, v);
}

/** out = activation(x) over n elements; the tail goes through the same four-lane code. */
@inline function activationRange(op: i32, n: i32, x: usize, out: usize): void {
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const at = <usize>i * 4;
    v128.store(out + at, activation4(op, v128.load(x + at)));
  }
  for (let i = n4; i < n; i++) {
    const at = <usize>i * 4;
    store<f32>(out + at, f32x4.extract_lane(activation4(op, f32x4.splat(load<f32>(x + at))), 0));
  }
}

/** out = g · activation'(x) over n elements. */
@inline function activationGradRange(op: i32, n: i32, g: usize, x: usize, out: usize): void {
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const at = <usize>i * 4;
    v128.store(out + at, activationGrad4(op, v128.load(g + at), v128.load(x + at)));
  }
  for (let i = n4; i < n; i++) {
    const at = <usize>i * 4;
    store<f32>(out + at, f32x4.extract_lane(activationGrad4(op, f32x4.splat(load<f32>(g + at)), f32x4.splat(load<f32>(x + at))), 0));
  }
}

@inline export function rowMax(row: usize, width: i32): f32 {
  const w4 = width & ~3;
  let m = f32x4.splat(-Infinity);
  let tail: f32 = -Infinity;
  // NaN must win, as in the reference: f32x4.max propagates it, the scalar max() below does too.
  for (let i = 0; i < w4; i += 4) m = f32x4.max(m, v128.load(row + <usize>i * 4));
  for (let i = w4; i < width; i++) tail = max(tail, load<f32>(row + <usize>i * 4));
  return max(max4(m), tail);
}

/** Writes e^(x - shift) into out (when out != 0) and returns the row's sum of it. */
@inline export function rowExpSum(row: usize, width: i32, shift: f32, out: usize): f32 {
  const w4 = width & ~3;
  const s = f32x4.splat(shift);
  let acc = f32x4.splat(0);
  for (let i = 0; i < w4; i += 4) {
    const e = exp4(f32x4.sub(v128.load(row + <usize>i * 4), s));
    if (out) v128.store(out + <usize>i * 4, e);
    acc = f32x4.add(acc, e);
  }
  let total = sum4(acc);
  for (let i = w4; i < width; i++) {
    const e = exp1(load<f32>(row + <usize>i * 4) - shift);
    if (out) store<f32>(out + <usize>i * 4, e);
    total += e;
  }
  return total;
}

/** Σ a[i]·b[i] over a row (b = 0: Σ a[i]). */
@inline function rowDot(a: usize, b: usize, width: i32): f32 {
  const w4 = width & ~3;
  let acc = f32x4.splat(0);
  for (let i = 0; i < w4; i += 4) {
    const at = <usize>i * 4;
    acc = f32x4.add(acc, b ? f32x4.mul(v128.load(a + at), v128.load(b + at)) : v128.load(a + at));
  }
  let total = sum4(acc);
  for (let i = w4; i < width; i++) {
    const at = <usize>i * 4;
    total += b ? load<f32>(a + at) * load<f32>(b + at) : load<f32>(a + at);
  }
  return total;
}

/** out = x·scale + shift over a row. */
@inline export function rowAffine(x: usize, out: usize, width: i32, scale: f32, shift: f32): void {
  const w4 = width & ~3;
  const sv = f32x4.splat(scale);
  const hv = f32x4.splat(shift);
  for (let i = 0; i < w4; i += 4) {
    const at = <usize>i * 4;
    v128.store(out + at, f32x4.add(f32x4.mul(v128.load(x + at), sv), hv));
  }
  for (let i = w4; i < width; i++) {
    const at = <usize>i * 4;
    store<f32>(out + at, load<f32>(x + at) * scale + shift);
  }
}

function softmaxRows(rows: i32, width: i32, x: usize, out: usize, log: bool): void {
  const bytes = <usize>width * 4;
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * bytes;
    const o = out + <usize>r * bytes;
    const m = rowMax(row, width);
    if (log) {
      const total = rowExpSum(row, width, m, 0);
      rowAffine(row, o, width, 1, -(m + <f32>logPositive(<f64>total)));
    } else {
      const total = rowExpSum(row, width, m, o);
      rowAffine(o, o, width, 1 / total, 0);
    }
  }
}

/** softmax': out = p·(g - Σ g·p); log-softmax': out = g - e^p · Σ g (p is the forward output). */
function softmaxGradRows(rows: i32, width: i32, g: usize, p: usize, out: usize, log: bool): void {
  const bytes = <usize>width * 4;
  const w4 = width & ~3;
  for (let r = 0; r < rows; r++) {
    const gr = g + <usize>r * bytes;
    const pr = p + <usize>r * bytes;
    const o = out + <usize>r * bytes;
    if (log) {
      const total = f32x4.splat(rowDot(gr, 0, width));
      for (let i = 0; i < w4; i += 4) {
        const at = <usize>i * 4;
        v128.store(o + at, f32x4.sub(v128.load(gr + at), f32x4.mul(exp4(v128.load(pr + at)), total)));
      }
      const t = f32x4.extract_lane(total, 0);
      for (let i = w4; i < width; i++) {
        const at = <usize>i * 4;
        store<f32>(o + at, load<f32>(gr + at) - exp1(load<f32>(pr + at)) * t);
      }
    } else {
      const dot = f32x4.splat(rowDot(gr, pr, width));
      for (let i = 0; i < w4; i += 4) {
        const at = <usize>i * 4;
        v128.store(o + at, f32x4.mul(v128.load(pr + at), f32x4.sub(v128.load(gr + at), dot)));
      }
      const d = f32x4.extract_lane(dot, 0);
      for (let i = w4; i < width; i++) {
        const at = <usize>i * 4;
        store<f32>(o + at, load<f32>(pr + at) * (load<f32>(gr + at) - d));
      }
    }
  }
}

/** Mean and 1/sqrt(variance + eps) of a row (two passes, like the reference). */
@inline function rowStats(row: usize, width: i32, eps: f32): v128 {
  const mean = rowDot(row, 0, width) / <f32>width;
  const w4 = width & ~3;
  const mv = f32x4.splat(mean);
  let acc = f32x4.splat(0);
  for (let i = 0; i < w4; i += 4) {
    const d = f32x4.sub(v128.load(row + <usize>i * 4), mv);
    acc = f32x4.add(acc, f32x4.mul(d, d));
  }
  let total = sum4(acc);
  for (let i = w4; i < width; i++) {
    const d = load<f32>(row + <usize>i * 4) - mean;
    total += d * d;
  }
  const rstd = <f32>(1 / sqrt<f64>(<f64>(total / <f32>width) + <f64>eps));
  return f32x4.replace_lane(f32x4.splat(mean), 1, rstd);
}

function layerNormRows(rows: i32, width: i32, x: usize, out: usize, eps: f32): void {
  const bytes = <usize>width * 4;
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * bytes;
    const stats = rowStats(row, width, eps);
    const mean = f32x4.extract_lane(stats, 0);
    const rstd = f32x4.extract_lane(stats, 1);
    rowAffine(row, out + <usize>r * bytes, width, rstd, -mean * rstd);
  }
}

/** out = rstd·(g - mean(g) - x̂·mean(g·x̂)) with x̂ = (x - mean)·rstd. */
function layerNormGradRows(rows: i32, width: i32, g: usize, x: usize, out: usize, eps: f32): void {
  const bytes = <usize>width * 4;
  const w4 = width & ~3;
  for (let r = 0; r < rows; r++) {
    const gr = g + <usize>r * bytes;
    const xr = x + <usize>r * bytes;
    const o = out + <usize>r * bytes;
    const stats = rowStats(xr, width, eps);
    const mean = f32x4.splat(f32x4.extract_lane(stats, 0));
    const rstd = f32x4.splat(f32x4.extract_lane(stats, 1));
    let gSum = f32x4.splat(0);
    let gxSum = f32x4.splat(0);
    for (let i = 0; i < w4; i += 4) {
      const at = <usize>i * 4;
      const gv = v128.load(gr + at);
      gSum = f32x4.add(gSum, gv);
      gxSum = f32x4.add(gxSum, f32x4.mul(gv, f32x4.mul(f32x4.sub(v128.load(xr + at), mean), rstd)));
    }
    let gTotal = sum4(gSum);
    let gxTotal = sum4(gxSum);
    const m = f32x4.extract_lane(mean, 0);
    const s = f32x4.extract_lane(rstd, 0);
    for (let i = w4; i < width; i++) {
      const at = <usize>i * 4;
      const gv = load<f32>(gr + at);
      gTotal += gv;
      gxTotal += gv * (load<f32>(xr + at) - m) * s;
    }
    const gMean = f32x4.splat(gTotal / <f32>width);
    const gxMean = f32x4.splat(gxTotal / <f32>width);
    for (let i = 0; i < w4; i += 4) {
      const at = <usize>i * 4;
      const xhat = f32x4.mul(f32x4.sub(v128.load(xr + at), mean), rstd);
      v128.store(o + at, f32x4.mul(rstd, f32x4.sub(f32x4.sub(v128.load(gr + at), gMean), f32x4.mul(xhat, gxMean))));
    }
    const gm = f32x4.extract_lane(gMean, 0);
    const gxm = f32x4.extract_lane(gxMean, 0);
    for (let i = w4; i < width; i++) {
      const at = <usize>i * 4;
      const xhat = (load<f32>(xr + at) - m) * s;
      store<f32>(o + at, s * (load<f32>(gr + at) - gm - xhat * gxm));
    }
  }
}

/** 1 / sqrt(mean(x²) + eps) of a row (the sum in f32 lanes, the root in f64, as rowStats). */
@inline function rowInverseRms(row: usize, width: i32, eps: f32): f32 {
  const squares = rowDot(row, row, width);
  return <f32>(1 / sqrt<f64>(<f64>(squares / <f32>width) + <f64>eps));
}

function rmsNormRows(rows: i32, width: i32, x: usize, out: usize, eps: f32): void {
  const bytes = <usize>width * 4;
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * bytes;
    rowAffine(row, out + <usize>r * bytes, width, rowInverseRms(row, width, eps), 0);
  }
}

/** out = r·g − x · r³·mean(g·x), r = 1 / sqrt(mean(x²) + eps). */
function rmsNormGradRows(rows: i32, width: i32, g: usize, x: usize, out: usize, eps: f32): void {
  const bytes = <usize>width * 4;
  const w4 = width & ~3;
  for (let r = 0; r < rows; r++) {
    const gr = g + <usize>r * bytes;
    const xr = x + <usize>r * bytes;
    const o = out + <usize>r * bytes;
    const inv = rowInverseRms(xr, width, eps);
    const c = (inv * inv * inv * rowDot(gr, xr, width)) / <f32>width;
    const iv = f32x4.splat(inv);
    const cv = f32x4.splat(c);
    for (let i = 0; i < w4; i += 4) {
      const at = <usize>i * 4;
      v128.store(o + at, f32x4.sub(f32x4.mul(iv, v128.load(gr + at)), f32x4.mul(cv, v128.load(xr + at))));
    }
    for (let i = w4; i < width; i++) {
      const at = <usize>i * 4;
      store<f32>(o + at, inv * load<f32>(gr + at) - c * load<f32>(xr + at));
    }
  }
}

/**
 * Runs row kernel `op` on `rows` rows of `width`: x is the (first) input, y the second (the incoming
 * gradient for the *_GRAD ops, which take (g, x) or (g, forward output)), out the result.
 */
export function rowwise(op: i32, rows: i32, width: i32, x: usize, y: usize, out: usize, eps: f32): void {
  if (op == ROW_GELU) activationRange(ROW_GELU, rows * width, x, out);
  else if (op == ROW_GELU_GRAD) activationGradRange(ROW_GELU, rows * width, y, x, out);
  else if (op == ROW_SOFTMAX) softmaxRows(rows, width, x, out, false);
  else if (op == ROW_LOG_SOFTMAX) softmaxRows(rows, width, x, out, true);
  else if (op == ROW_SOFTMAX_GRAD) softmaxGradRows(rows, width, y, x, out, false);
  else if (op == ROW_LOG_SOFTMAX_GRAD) softmaxGradRows(rows, width, y, x, out, true);
  else if (op == ROW_LAYER_NORM) layerNormRows(rows, width, x, out, eps);
  else if (op == ROW_LAYER_NORM_GRAD) layerNormGradRows(rows, width, y, x, out, eps);
  else if (op == ROW_RMS_NORM) rmsNormRows(rows, width, x, out, eps);
  else if (op == ROW_RMS_NORM_GRAD) rmsNormGradRows(rows, width, y, x, out, eps);
  else if (op == ROW_SILU) activationRange(ROW_SILU, rows * width, x, out);
  else if (op == ROW_SILU_GRAD) activationGradRange(ROW_SILU, rows * width, y, x, out);
  else if (op == ROW_ABS) activationRange(ROW_ABS, rows * width, x, out);
  else unreachable();
}
