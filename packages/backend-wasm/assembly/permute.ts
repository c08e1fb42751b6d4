// Permute and Slice (strided gathers into a contiguous output) as row copies: the JavaScript side computes
// where each output row starts in the input; a row is a block copy when its axis is contiguous there,
// else a strided gather. Pure copies of 32-bit words, so results equal the cpu kernels bit for bit.

/** out[r, j] = x[offsets[r] + j * stride] for rows [r0, r0 + count) of `length` 32-bit words. */
export function gatherRows(r0: i32, count: i32, length: i32, stride: i32, offsets: usize, x: usize, out: usize): void {
  const bytes = <usize>length * 4;
  for (let r = r0; r < r0 + count; r++) {
    const src = x + <usize>load<i32>(offsets + <usize>r * 4) * 4;
    const dst = out + <usize>r * bytes;
    if (stride == 1) {
      memory.copy(dst, src, bytes);
      continue;
    }
    const step = <usize>stride * 4;
    for (let j = 0; j < length; j++) store<i32>(dst + <usize>j * 4, load<i32>(src + <usize>j * step));
  }
}

/** out[r·outPitch + j] = x[r·inPitch + j] for rows [r0, r0 + count) of `length` 32-bit words (Concat's pieces). */
export function copyRows(r0: i32, count: i32, length: i32, inPitch: i32, outPitch: i32, x: usize, out: usize): void {
  const bytes = <usize>length * 4;
  for (let r = r0; r < r0 + count; r++) memory.copy(out + <usize>r * <usize>outPitch * 4, x + <usize>r * <usize>inPitch * 4, bytes);
}
