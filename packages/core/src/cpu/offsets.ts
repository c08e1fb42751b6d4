/**
 * For every element of an iteration space `shape` (row-major), its offset `base + Σ index[i]·strides[i]`
 * into another buffer. One helper covers broadcasting (stride 0), reductions, permutes, slices and pads.
 */
export function offsets(shape: readonly number[], strides: readonly number[], base = 0): Int32Array {
  let size = 1;
  for (const dim of shape) size *= dim;
  const out = new Int32Array(size);
  const rank = shape.length;
  if (size === 0) return out;
  const index = new Array<number>(rank).fill(0);
  let offset = base;
  for (let i = 0; i < size; i++) {
    out[i] = offset;
    // Odometer increment from the last axis.
    for (let axis = rank - 1; axis >= 0; axis--) {
      if (++index[axis] < shape[axis]) {
        offset += strides[axis];
        break;
      }
      offset -= strides[axis] * (shape[axis] - 1);
      index[axis] = 0;
    }
  }
  return out;
}
