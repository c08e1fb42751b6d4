// GroupTopK for groups of 4 (N:4 masks, 2:4 above all): out[i] = 1 when score i is among the n largest of
// its group, where the order is core's: (score, index) ascending, the first 4 − n pruned. A score's place
// in that order is counted directly (how many of its group are smaller, or equal with a lower index), as
// the cpu kernel does, here four groups (16 scores, 16 mask bytes) at a time in SIMD.

/** Lanes i ≥ 4 − r: where the partner (i + r) mod 4 of rotation r has the lower index. */
const TIE1 = i32x4(0, 0, 0, -1);
const TIE2 = i32x4(0, 0, -1, -1);
const TIE3 = i32x4(0, -1, -1, -1);

/** −place of each score of group g (f32x4): −1 per partner that comes before it. */
@inline function negativePlaces(g: v128): v128 {
  const t1 = v128.shuffle<f32>(g, g, 1, 2, 3, 0);
  const t2 = v128.shuffle<f32>(g, g, 2, 3, 0, 1);
  const t3 = v128.shuffle<f32>(g, g, 3, 0, 1, 2);
  let acc = v128.or(f32x4.lt(t1, g), v128.and(f32x4.eq(t1, g), TIE1));
  acc = i32x4.add(acc, v128.or(f32x4.lt(t2, g), v128.and(f32x4.eq(t2, g), TIE2)));
  return i32x4.add(acc, v128.or(f32x4.lt(t3, g), v128.and(f32x4.eq(t3, g), TIE3)));
}

/** 1 in the lanes whose place is at least `pruned` (kept), else 0, as i32x4. */
@inline function kept(g: v128, threshold: v128): v128 {
  return v128.and(i32x4.le_s(negativePlaces(g), threshold), i32x4.splat(1));
}

/**
 * Masks of `groups` groups of 4 scores (f32) into out (u8), keeping `n` per group. Returns the index of the
 * first NaN score (the masks are then incomplete: core rejects NaN scores), or −1.
 */
export function groupTopK4(n: i32, groups: i32, scores: usize, out: usize): i32 {
  const threshold = i32x4.splat(n - 4);
  const quads = groups & ~3;
  for (let q = 0; q < quads; q += 4) {
    const s = scores + <usize>q * 16;
    const g0 = v128.load(s), g1 = v128.load(s, 16), g2 = v128.load(s, 32), g3 = v128.load(s, 48);
    const nan = v128.or(v128.or(f32x4.ne(g0, g0), f32x4.ne(g1, g1)), v128.or(f32x4.ne(g2, g2), f32x4.ne(g3, g3)));
    if (v128.any_true(nan)) return firstNaN(q * 4, groups * 4, scores);
    const low = i16x8.narrow_i32x4_u(kept(g0, threshold), kept(g1, threshold));
    const high = i16x8.narrow_i32x4_u(kept(g2, threshold), kept(g3, threshold));
    v128.store(out + <usize>q * 4, i8x16.narrow_i16x8_u(low, high));
  }
  for (let q = quads; q < groups; q++) {
    const g = v128.load(scores + <usize>q * 16);
    if (v128.any_true(f32x4.ne(g, g))) return firstNaN(q * 4, groups * 4, scores);
    const k = kept(g, threshold);
    store<i32>(out + <usize>q * 4, i32x4.extract_lane(i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(k, k), k), 0));
  }
  return -1;
}

/** The index of the first NaN among scores [from, to). */
function firstNaN(from: i32, to: i32, scores: usize): i32 {
  for (let i = from; i < to; i++) {
    const v = load<f32>(scores + <usize>i * 4);
    if (v != v) return i;
  }
  return -1;
}
