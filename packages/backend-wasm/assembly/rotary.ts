// Rotary position embedding (core's Rotary op) on f32x4: rows of x [..., T, D], row r at position
// start + (first + r) % T, each pair (j, j + D/2) rotated by the angle whose cos and sin the tables hold in
// column j (Hugging Face's tables repeat it in column j + D/2):
//   out[j] = x[j]·c − x[j + D/2]·s,   out[j + D/2] = x[j + D/2]·c + x[j]·s   (inverse: s → −s).
// Products and sums in the order of the composite x·cos + rotateHalf(x)·sin, unfused, so both give the same bits.

@inline function rotatePair(x1: v128, x2: v128, c: v128, s: v128, low: usize, high: usize): void {
  v128.store(low, f32x4.sub(f32x4.mul(x1, c), f32x4.mul(x2, s)));
  v128.store(high, f32x4.add(f32x4.mul(x2, c), f32x4.mul(x1, s)));
}

export function rotaryRows(rows: i32, first: i32, T: i32, D: i32, start: i32, inverse: bool, x: usize, cos: usize, sin: usize, out: usize): void {
  const half = D >> 1;
  const half4 = half & ~3;
  const halfBytes = <usize>half * 4;
  const flip = inverse ? f32x4.splat(-1) : f32x4.splat(1);
  let t = first % T;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * <usize>D * 4;
    const o = out + <usize>r * <usize>D * 4;
    const table = <usize>(start + t) * <usize>D * 4;
    for (let j = 0; j < half4; j += 4) {
      const at = <usize>j * 4;
      const s = f32x4.mul(v128.load(sin + table + at), flip);
      rotatePair(v128.load(xr + at), v128.load(xr + halfBytes + at), v128.load(cos + table + at), s, o + at, o + halfBytes + at);
    }
    for (let j = half4; j < half; j++) {
      const at = <usize>j * 4;
      const x1 = load<f32>(xr + at);
      const x2 = load<f32>(xr + halfBytes + at);
      const c = load<f32>(cos + table + at);
      const s = inverse ? -load<f32>(sin + table + at) : load<f32>(sin + table + at);
      store<f32>(o + at, x1 * c - x2 * s);
      store<f32>(o + halfBytes + at, x2 * c + x1 * s);
    }
    t = t + 1 == T ? 0 : t + 1;
  }
}
