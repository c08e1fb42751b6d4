// Sums over a contiguous run of axes, the shape [outer, length, inner] -> [outer, inner]: bias gradients
// (a [B, T, C] gradient summed over B and T) and the like. Accumulates in f64 in the same order as core's
// cpu kernel (over `length`, one output element per lane), so results are bit-identical to it.

/**
 * out[p, q] = Σ_k x[p, k, q] for p in [p0, p0 + pCount), q in [q0, q0 + qCount); `acc` is qCount f64 of
 * scratch.
 */
export function reduceSumRange(p0: i32, pCount: i32, length: i32, inner: i32, q0: i32, qCount: i32, x: usize, out: usize, acc: usize): void {
  const q2 = qCount & ~1;
  for (let p = p0; p < p0 + pCount; p++) {
    memory.fill(acc, 0, <usize>qCount * 8);
    for (let k = 0; k < length; k++) {
      const row = x + (<usize>(p * length + k) * <usize>inner + <usize>q0) * 4;
      let q = 0;
      for (; q < q2; q += 2) {
        const at = acc + <usize>q * 8;
        v128.store(at, f64x2.add(v128.load(at), f64x2.promote_low_f32x4(v128.load64_zero(row + <usize>q * 4))));
      }
      for (; q < qCount; q++) {
        const at = acc + <usize>q * 8;
        store<f64>(at, load<f64>(at) + <f64>load<f32>(row + <usize>q * 4));
      }
    }
    const o = out + (<usize>p * <usize>inner + <usize>q0) * 4;
    for (let q = 0; q < qCount; q++) store<f32>(o + <usize>q * 4, <f32>load<f64>(acc + <usize>q * 8));
  }
}
