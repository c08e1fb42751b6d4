// Broadcasting Add and Mul on f32x4, for the shapes a training step uses: two tensors of one shape, a
// bias-like vector repeated along every row (x [..., C] + b [C]), one value per row (x [N, C] · s [N, 1])
// and a scalar. In JavaScript these loops run at 2-5 ns per element (f32 loads and stores convert through
// f64, and the loops see several array types); here they are bound by the copies in and out.

export const BIN_ADD: i32 = 0;
export const BIN_MUL: i32 = 1;

/** b has out's shape. */
export const BIN_SAME: i32 = 0;
/** b holds `width` values, repeated for every row. */
export const BIN_ROW: i32 = 1;
/** b holds one value per row. */
export const BIN_COL: i32 = 2;
/** b holds one value. */
export const BIN_SCALAR: i32 = 3;

@inline function apply(op: i32, a: v128, b: v128): v128 {
  return op == BIN_ADD ? f32x4.add(a, b) : f32x4.mul(a, b);
}

@inline function apply1(op: i32, a: f32, b: f32): f32 {
  return op == BIN_ADD ? a + b : a * b;
}

/** out[r, j] = a[r, j] op b[...] for `rows` rows of `width` floats, b read as `mode` says (b starts at the first row's). */
export function binaryRows(op: i32, mode: i32, rows: i32, width: i32, a: usize, b: usize, out: usize): void {
  const w4 = width & ~3;
  const bytes = <usize>width * 4;
  for (let r = 0; r < rows; r++) {
    const ar = a + <usize>r * bytes;
    const or = out + <usize>r * bytes;
    if (mode == BIN_SAME || mode == BIN_ROW) {
      const br = mode == BIN_SAME ? b + <usize>r * bytes : b;
      for (let j = 0; j < w4; j += 4) {
        const at = <usize>j * 4;
        v128.store(or + at, apply(op, v128.load(ar + at), v128.load(br + at)));
      }
      for (let j = w4; j < width; j++) {
        const at = <usize>j * 4;
        store<f32>(or + at, apply1(op, load<f32>(ar + at), load<f32>(br + at)));
      }
    } else {
      const value = load<f32>(mode == BIN_COL ? b + <usize>r * 4 : b);
      const splat = f32x4.splat(value);
      for (let j = 0; j < w4; j += 4) {
        const at = <usize>j * 4;
        v128.store(or + at, apply(op, v128.load(ar + at), splat));
      }
      for (let j = w4; j < width; j++) {
        const at = <usize>j * 4;
        store<f32>(or + at, apply1(op, load<f32>(ar + at), value));
      }
    }
  }
}
