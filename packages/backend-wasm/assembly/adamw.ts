// The fused AdamW update (core's AdamWStep) in place over f32 parameter, moment and gradient arrays. Every
// step is the cpu kernel's own f64 operation in its order, rounded to f32 exactly where it rounds (stores,
// and Math.fround), so results equal it bit for bit: f64 add, multiply, divide and sqrt are exactly rounded
// in both. Without a mask two elements go per f64x2 lane pair; with one (a u8 0/1 mask) a scalar loop.

export const ADAMW_TEXTBOOK: i32 = 0;
export const ADAMW_GRADIENT: i32 = 1;
export const ADAMW_DECOUPLED: i32 = 2;
export const ADAMW_REFERENCE_INT_NOT: i32 = 3;
export const ADAMW_SGD: i32 = 4;

/** f64 scalars at `s`, in this order (the JavaScript side writes them). */
const S_SHRINK = 0;
const S_LR = 1;
const S_BETA1 = 2;
const S_ONE_MINUS_BETA1 = 3;
const S_BETA2 = 4;
const S_ONE_MINUS_BETA2 = 5;
const S_STEP_SIZE = 6;
const S_BC2_SQRT = 7;
const S_EPS = 8;
const S_DECAY = 9;
export const ADAMW_SCALARS: i32 = 10;

@inline function scalar(s: usize, i: i32): f64 {
  return load<f64>(s + <usize>i * 8);
}

/** Rounds an f64 to f32 and back, as a Float32Array store and read (or Math.fround) do. */
@inline function round(x: f64): f64 {
  return <f64><f32>x;
}

/**
 * Updates elements [first, first + count) of p, m, v from g; `e` is the u8 mask (1 = kept) or 0 for none.
 */
export function adamwRange(mode: i32, first: i32, count: i32, p: usize, m: usize, v: usize, g: usize, e: usize, s: usize): void {
  const shrink = scalar(s, S_SHRINK), lr = scalar(s, S_LR), beta1 = scalar(s, S_BETA1), c1 = scalar(s, S_ONE_MINUS_BETA1);
  const beta2 = scalar(s, S_BETA2), c2 = scalar(s, S_ONE_MINUS_BETA2), stepSize = scalar(s, S_STEP_SIZE), bc2 = scalar(s, S_BC2_SQRT);
  const eps = scalar(s, S_EPS), decay = scalar(s, S_DECAY);
  let i = first;
  const end = first + count;
  if (mode == ADAMW_TEXTBOOK && e == 0) {
    const vShrink = f64x2.splat(shrink), vBeta1 = f64x2.splat(beta1), vC1 = f64x2.splat(c1), vBeta2 = f64x2.splat(beta2), vC2 = f64x2.splat(c2);
    const vStep = f64x2.splat(stepSize), vBc2 = f64x2.splat(bc2), vEps = f64x2.splat(eps);
    for (; i + 2 <= end; i += 2) {
      const at = <usize>i * 4;
      const shrunk = f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(p + at)), vShrink)));
      const gi = f64x2.promote_low_f32x4(v128.load64_zero(g + at));
      const mu = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(vBeta1, f64x2.promote_low_f32x4(v128.load64_zero(m + at))), f64x2.mul(vC1, gi)));
      const nu = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(vBeta2, f64x2.promote_low_f32x4(v128.load64_zero(v + at))), f64x2.mul(f64x2.mul(vC2, gi), gi)));
      v128.store64_lane(m + at, mu, 0);
      v128.store64_lane(v + at, nu, 0);
      const denominator = f64x2.add(f64x2.div(f64x2.sqrt(f64x2.promote_low_f32x4(nu)), vBc2), vEps);
      const updated = f64x2.sub(shrunk, f64x2.div(f64x2.mul(vStep, f64x2.promote_low_f32x4(mu)), denominator));
      v128.store64_lane(p + at, f32x4.demote_f64x2_zero(updated), 0);
    }
  }
  for (; i < end; i++) {
    const at = <usize>i * 4;
    const old = <f64>load<f32>(p + at);
    const shrunk = round(old * shrink);
    const gi0 = <f64>load<f32>(g + at);
    // E = 1 − M, or −1 − M for the reference code's bitwise NOT; no mask: 0.
    const pruned: f64 = e == 0 ? 0 : mode == ADAMW_REFERENCE_INT_NOT ? -1 - <f64>load<u8>(e + <usize>i) : 1 - <f64>load<u8>(e + <usize>i);
    if (mode == ADAMW_SGD) {
      store<f32>(p + at, <f32>(shrunk - lr * (gi0 + decay * pruned * shrunk)));
      continue;
    }
    if (mode == ADAMW_DECOUPLED || mode == ADAMW_REFERENCE_INT_NOT) {
      const mu = round(beta1 * <f64>load<f32>(m + at) + c1 * gi0);
      store<f32>(m + at, <f32>mu);
      const u = round(mu + decay * pruned * shrunk);
      const nu = round(beta2 * <f64>load<f32>(v + at) + c2 * u * u);
      store<f32>(v + at, <f32>nu);
      store<f32>(p + at, <f32>(shrunk - (stepSize * u) / (Math.sqrt(nu) / bc2 + eps)));
      continue;
    }
    const gi = mode == ADAMW_GRADIENT ? round(gi0 + decay * pruned * old) : gi0;
    const mu = round(beta1 * <f64>load<f32>(m + at) + c1 * gi);
    store<f32>(m + at, <f32>mu);
    const nu = round(beta2 * <f64>load<f32>(v + at) + c2 * gi * gi);
    store<f32>(v + at, <f32>nu);
    store<f32>(p + at, <f32>(shrunk - (stepSize * mu) / (Math.sqrt(nu) / bc2 + eps)));
  }
}
