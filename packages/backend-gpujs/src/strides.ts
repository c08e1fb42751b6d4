/** Strides for reading `shape` broadcast to `target` (0 along broadcast axes), in elements. */
export function broadcastStrides(shape: readonly number[], target: readonly number[]): number[] {
  const strides = new Array<number>(target.length).fill(0);
  const offset = target.length - shape.length;
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1) strides[i + offset] = stride;
    stride *= shape[i];
  }
  return strides;
}

/**
 * Drops size-1 axes and merges neighbours that every operand walks contiguously (fewer axes, fewer
 * divisions per element in a kernel). The row-major order of the space is unchanged.
 */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    if (shape[axis] === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((list, k) => list[axis] === outStrides[k][last] * outShape[last])) {
      outShape[last] *= shape[axis];
    } else {
      outShape.push(shape[axis]);
      strides.forEach((list, k) => outStrides[k].push(list[axis]));
    }
  }
  outShape.reverse();
  outStrides.forEach((list) => list.reverse());
  return { shape: outShape, strides: outStrides };
}

/** Whether `strides` walk `shape` contiguously (the operand has the output's layout). */
export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (strides[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}
