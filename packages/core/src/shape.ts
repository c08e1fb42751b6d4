import { ShapeError } from "./errors.js";

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const dim of shape) size *= dim;
  return size;
}

/** Row-major strides of a contiguous tensor. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(", ")}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((dim, i) => dim === b[i]);
}

/** Resolves a possibly negative axis against `rank`, with an error naming the op. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  const resolved = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(axis) || resolved < 0 || resolved >= rank) {
    throw new ShapeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank} (valid: ${-rank}..${rank - 1})`);
  }
  return resolved;
}

/** NumPy/PyTorch broadcasting of two shapes; `names` label the arguments in the error. */
export function broadcastShapes(op: string, a: Shape, b: Shape, names: [string, string] = ["a", "b"]): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${op}: shapes do not broadcast: ${names[0]} is ${formatShape(a)}, ${names[1]} is ${formatShape(b)} ` +
          `(axis ${i - rank} has sizes ${da} and ${db}; sizes must match or one must be 1)`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides for reading `shape` as if broadcast to `target` (0 along broadcast axes). */
export function broadcastStrides(shape: Shape, target: Shape): number[] {
  const own = stridesOf(shape);
  const offset = target.length - shape.length;
  return target.map((_, i) => {
    const j = i - offset;
    return j < 0 || shape[j] === 1 ? 0 : own[j];
  });
}

/**
 * How an operand of shape `input` is read over the broadcast result `out`, for loops that index it
 * arithmetically: the same shape; a trailing block of `size` elements repeated (`[N, C] + [C]`, a scalar is
 * size 1); one value per block of `inner` elements (`[N, C] * [N, 1]`); or any other broadcast.
 */
export type BroadcastRead = { kind: "same" } | { kind: "row"; size: number } | { kind: "col"; inner: number } | { kind: "other" };

export function broadcastRead(input: Shape, out: Shape): BroadcastRead {
  if (shapesEqual(input, out)) return { kind: "same" };
  const rank = out.length;
  const padded = [...new Array<number>(rank - input.length).fill(1), ...input];
  let lead = 0;
  while (lead < rank && padded[lead] === 1) lead++;
  if (padded.slice(lead).every((dim, i) => dim === out[lead + i])) return { kind: "row", size: sizeOf(input) };
  let tail = rank;
  while (tail > 0 && padded[tail - 1] === 1) tail--;
  if (padded.slice(0, tail).every((dim, i) => dim === out[i])) return { kind: "col", inner: sizeOf(out.slice(tail)) };
  return { kind: "other" };
}

/**
 * A reduction of `input` to the keepdim shape `out` (reduced axes of size 1) as [outer, length, inner] when
 * the reduced axes form one contiguous run (axes of size 1 may sit between them), else null.
 */
export function reductionSplit(input: Shape, out: Shape): [number, number, number] | null {
  if (input.length !== out.length) return null;
  const reduced = input.map((dim, i) => out[i] === 1 && dim !== 1);
  const first = reduced.indexOf(true);
  if (first < 0) return [sizeOf(input), 1, 1];
  const last = reduced.lastIndexOf(true);
  for (let i = first; i <= last; i++) if (!reduced[i] && input[i] !== 1) return null;
  return [sizeOf(input.slice(0, first)), sizeOf(input.slice(first, last + 1)), sizeOf(input.slice(last + 1))];
}

/** Resolves a reshape target with at most one -1. */
export function resolveShape(op: string, from: Shape, to: Shape): number[] {
  const size = sizeOf(from);
  const inferred = to.filter((dim) => dim === -1).length;
  if (inferred > 1) throw new ShapeError(`${op}: only one dimension may be -1, got ${formatShape(to)}`);
  const known = to.reduce((acc, dim) => (dim === -1 ? acc : acc * dim), 1);
  const out = to.map((dim) => (dim === -1 ? (known === 0 ? 0 : size / known) : dim));
  if (out.some((dim) => !Number.isInteger(dim) || dim < 0) || sizeOf(out) !== size) {
    throw new ShapeError(`${op}: cannot view ${formatShape(from)} (${size} elements) as ${formatShape(to)}`);
  }
  return out;
}
