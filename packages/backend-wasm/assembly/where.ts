// Where (select) for f32 with a u8 condition repeated over the output in blocks of `period` (a [T, T]
// causal mask over [B, H, T, T] scores, or a condition of the output's shape), each value operand the
// output's shape or one value. A bit select, so results equal the cpu kernel bit for bit.

/**
 * out[s·period + j] = cond[j] != 0 ? a[...] : b[...] for blocks s in [s0, s0 + blocks) and j in [j0, j0 + count);
 * `aOne`/`bOne` (nonzero) read a single value.
 */
export function whereBlocks(s0: i32, blocks: i32, period: i32, j0: i32, count: i32, cond: usize, a: usize, aOne: i32, b: usize, bOne: i32, out: usize): void {
  const aSplat = v128.load32_splat(a);
  const bSplat = v128.load32_splat(b);
  const end = j0 + count;
  for (let s = s0; s < s0 + blocks; s++) {
    const base = <usize>s * <usize>period;
    let j = j0;
    for (; j + 4 <= end; j += 4) {
      const at = (base + <usize>j) * 4;
      // 4 condition bytes widened to 4 lanes of all-ones (kept) or zeros.
      const c = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(cond + <usize>j)));
      const keep = i32x4.ne(c, i32x4.splat(0));
      const va = aOne ? aSplat : v128.load(a + at);
      const vb = bOne ? bSplat : v128.load(b + at);
      v128.store(out + at, v128.bitselect(va, vb, keep));
    }
    for (; j < end; j++) {
      const at = (base + <usize>j) * 4;
      const va = load<i32>(aOne ? a : a + at);
      const vb = load<i32>(bOne ? b : b + at);
      store<i32>(out + at, load<u8>(cond + <usize>j) != 0 ? va : vb);
    }
  }
}
