/**
 * An iteration space for strided kernels: `shape` walked in row-major order, and for each operand the
 * element stride of every axis (0 where the operand is broadcast).
 */
export interface StridedSpace {
  shape: number[];
  strides: number[][];
}

/**
 * Drops size-1 axes and merges neighbouring axes that every operand walks contiguously, so `[B, T, C] + [C]`
 * becomes a rank-2 loop. Fewer axes mean fewer divisions per element in the shader. The row-major order of
 * the iteration space is unchanged, so a thread's linear index still names the same output element.
 */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): StridedSpace {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const dim = shape[axis];
    if (dim === 1) continue;
    const last = outShape.length - 1;
    const mergeable =
      last >= 0 && strides.every((list, k) => list[axis] === outStrides[k][last] * outShape[last]);
    if (mergeable) {
      outShape[last] *= dim;
    } else {
      outShape.push(dim);
      strides.forEach((list, k) => outStrides[k].push(list[axis]));
    }
  }
  outShape.reverse();
  outStrides.forEach((list) => list.reverse());
  return { shape: outShape, strides: outStrides };
}

/** Strides for reading `shape` as if broadcast to `target` (0 along broadcast axes), in elements. */
export function broadcastStrides(shape: readonly number[], target: readonly number[]): number[] {
  const offset = target.length - shape.length;
  const strides = new Array<number>(target.length).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1) strides[i + offset] = stride;
    stride *= shape[i];
  }
  return strides;
}
