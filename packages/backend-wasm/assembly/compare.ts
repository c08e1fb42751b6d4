// CmpLt, CmpLe and CmpEq (and their mirrors, for a scalar on the left) on f32 or u8 operands of one shape, or
// against one value, into u8 masks: 16 elements a step, as JavaScript's `<`, `<=` and `===` (NaN compares
// false; −0 equals 0). Masks are compared against each other at every AST refresh (flip counts).

export const CMP_LT: i32 = 0;
export const CMP_LE: i32 = 1;
export const CMP_EQ: i32 = 2;
export const CMP_GT: i32 = 3;
export const CMP_GE: i32 = 4;

@inline function f32Mask(op: i32, a: v128, b: v128): v128 {
  if (op == CMP_LT) return f32x4.lt(a, b);
  if (op == CMP_LE) return f32x4.le(a, b);
  if (op == CMP_EQ) return f32x4.eq(a, b);
  if (op == CMP_GT) return f32x4.gt(a, b);
  return f32x4.ge(a, b);
}

@inline function u8Mask(op: i32, a: v128, b: v128): v128 {
  if (op == CMP_LT) return i8x16.lt_u(a, b);
  if (op == CMP_LE) return i8x16.le_u(a, b);
  if (op == CMP_EQ) return i8x16.eq(a, b);
  if (op == CMP_GT) return i8x16.gt_u(a, b);
  return i8x16.ge_u(a, b);
}

@inline function compare1(op: i32, a: f32, b: f32): u8 {
  if (op == CMP_LT) return <u8>(a < b);
  if (op == CMP_LE) return <u8>(a <= b);
  if (op == CMP_EQ) return <u8>(a == b);
  if (op == CMP_GT) return <u8>(a > b);
  return <u8>(a >= b);
}

/** 16 f32 comparisons (all-ones or zero lanes) as 16 bytes of 1 or 0. */
@inline function f32Bytes(op: i32, a: usize, b: usize, scalar: bool): v128 {
  const s = f32x4.splat(load<f32>(b));
  const m0 = f32Mask(op, v128.load(a), scalar ? s : v128.load(b));
  const m1 = f32Mask(op, v128.load(a, 16), scalar ? s : v128.load(b, 16));
  const m2 = f32Mask(op, v128.load(a, 32), scalar ? s : v128.load(b, 32));
  const m3 = f32Mask(op, v128.load(a, 48), scalar ? s : v128.load(b, 48));
  const bytes = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(m0, m1), i16x8.narrow_i32x4_s(m2, m3));
  return v128.and(bytes, i8x16.splat(1));
}

/**
 * out[i] = a[i] op b[i] (or op b[0] when `scalar`) for `count` elements; a and b f32 (`f32`) or u8, out u8.
 * `op` is a constant at each call below, so every loop compiles to its one comparison.
 */
@inline function compareOp(op: i32, f32: bool, scalar: bool, count: i32, a: usize, b: usize, out: usize): void {
  const c16 = count & ~15;
  if (f32) {
    for (let i = 0; i < c16; i += 16) v128.store(out + <usize>i, f32Bytes(op, a + <usize>i * 4, scalar ? b : b + <usize>i * 4, scalar));
    for (let i = c16; i < count; i++) store<u8>(out + <usize>i, compare1(op, load<f32>(a + <usize>i * 4), load<f32>(scalar ? b : b + <usize>i * 4)));
  } else {
    const s = i8x16.splat(load<u8>(b));
    for (let i = 0; i < c16; i += 16) v128.store(out + <usize>i, v128.and(u8Mask(op, v128.load(a + <usize>i), scalar ? s : v128.load(b + <usize>i)), i8x16.splat(1)));
    for (let i = c16; i < count; i++) store<u8>(out + <usize>i, compare1(op, <f32>load<u8>(a + <usize>i), <f32>load<u8>(scalar ? b : b + <usize>i)));
  }
}

export function compareRange(op: i32, f32: bool, scalar: bool, count: i32, a: usize, b: usize, out: usize): void {
  if (op == CMP_LT) compareOp(CMP_LT, f32, scalar, count, a, b, out);
  else if (op == CMP_LE) compareOp(CMP_LE, f32, scalar, count, a, b, out);
  else if (op == CMP_EQ) compareOp(CMP_EQ, f32, scalar, count, a, b, out);
  else if (op == CMP_GT) compareOp(CMP_GT, f32, scalar, count, a, b, out);
  else compareOp(CMP_GE, f32, scalar, count, a, b, out);
}
