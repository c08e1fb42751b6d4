/**
 * Copies a strided view into (or out of) a contiguous buffer: the outer axes walk with an odometer and the
 * last axis runs as a tight loop, so no per-element offset table is built. Used by permute, slice, pad and
 * expand. `row(start, offset, length, stride)` gets the row's index in iteration order (times its length),
 * its offset in the strided buffer, its length and the last axis' stride.
 */
export function forEachRow(shape: readonly number[], strides: readonly number[], base: number, row: (outStart: number, offset: number, length: number, stride: number) => void): void {
  const rank = shape.length;
  if (rank === 0) {
    row(0, base, 1, 0);
    return;
  }
  const length = shape[rank - 1];
  const stride = strides[rank - 1];
  let rows = 1;
  for (let i = 0; i < rank - 1; i++) rows *= shape[i];
  if (length === 0 || rows === 0) return;
  const index = new Array<number>(rank - 1).fill(0);
  let offset = base;
  for (let r = 0; r < rows; r++) {
    row(r * length, offset, length, stride);
    for (let axis = rank - 2; axis >= 0; axis--) {
      if (++index[axis] < shape[axis]) {
        offset += strides[axis];
        break;
      }
      offset -= strides[axis] * (shape[axis] - 1);
      index[axis] = 0;
    }
  }
}
