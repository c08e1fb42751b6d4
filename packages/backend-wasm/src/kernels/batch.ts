/**
 * For each matrix of a batched result (its leading axes `outBatch`, row-major), the index of the
 * operand's matrix that feeds it: the operand's leading axes are right-aligned with `outBatch` and
 * broadcast where they have size 1 or are missing (NumPy matmul broadcasting).
 *
 * @example batchIndices([2, 3], [3]) // [0, 1, 2, 0, 1, 2]
 */
export function batchIndices(outBatch: readonly number[], operandBatch: readonly number[]): Int32Array {
  const total = outBatch.reduce((a, b) => a * b, 1);
  const rank = outBatch.length;
  const offset = rank - operandBatch.length;
  // Strides of the operand's matrices along each output axis (0 where broadcast).
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let axis = rank - 1; axis >= offset; axis--) {
    const size = operandBatch[axis - offset]!;
    strides[axis] = size === 1 ? 0 : stride;
    stride *= size;
  }
  const indices = new Int32Array(total);
  const position = new Array<number>(rank).fill(0);
  for (let t = 0, index = 0; t < total; t++) {
    indices[t] = index;
    // Odometer step over the output's batch axes.
    for (let axis = rank - 1; axis >= 0; axis--) {
      index += strides[axis]!;
      if (++position[axis]! < outBatch[axis]!) break;
      index -= strides[axis]! * position[axis]!;
      position[axis] = 0;
    }
  }
  return indices;
}
