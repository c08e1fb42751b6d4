import type { BufferInfo } from "../backend.js";
import type { TypedArray } from "../dtype.js";
import { stridesOf } from "../shape.js";
import { forEachRow } from "./strided.js";

type Info = BufferInfo<TypedArray>;

/** Gathers a strided view of `a` into the contiguous `o`. */
function gatherStrided(o: TypedArray, a: TypedArray, shape: readonly number[], strides: readonly number[], base: number): void {
  forEachRow(shape, strides, base, (start, offset, length, stride) => {
    if (stride === 1) o.set(a.subarray(offset, offset + length), start);
    else for (let j = 0; j < length; j++) o[start + j] = a[offset + j * stride];
  });
}

export function permute(out: Info, [x]: readonly Info[], { perm }: { perm: number[] }): void {
  const inStrides = stridesOf(x.shape);
  gatherStrided(out.handle, x.handle, out.shape, perm.map((axis) => inStrides[axis]), 0);
}

export function slice(out: Info, [x]: readonly Info[], { begin }: { begin: number[] }): void {
  const inStrides = stridesOf(x.shape);
  const base = begin.reduce((acc, start, i) => acc + start * inStrides[i], 0);
  gatherStrided(out.handle, x.handle, out.shape, inStrides, base);
}

export function pad(out: Info, [x]: readonly Info[], { before }: { before: number[] }): void {
  const outStrides = stridesOf(out.shape);
  const base = before.reduce((acc, n, i) => acc + n * outStrides[i], 0);
  const o = out.handle;
  const a = x.handle;
  // Scatter rows of x into the padded output (the last axis is contiguous in both).
  forEachRow(x.shape, outStrides, base, (start, offset, length) => o.set(a.subarray(start, start + length), offset));
}

export function concat(out: Info, inputs: readonly Info[], { axis }: { axis: number }): void {
  const o = out.handle;
  const outer = out.shape.slice(0, axis).reduce((n, d) => n * d, 1);
  const inner = out.shape.slice(axis + 1).reduce((n, d) => n * d, 1);
  const rowLength = out.shape[axis] * inner;
  let column = 0;
  for (const input of inputs) {
    const chunk = input.shape[axis] * inner;
    copyBlock(o, input.handle, outer, chunk, rowLength, column);
    column += chunk;
  }
}

/** Copies `a`'s `outer` rows of `chunk` elements into `o`'s rows of `rowLength`, each from element `column`. */
function copyBlock(o: TypedArray, a: TypedArray, outer: number, chunk: number, rowLength: number, column: number): void {
  for (let p = 0; p < outer; p++) o.set(a.subarray(p * chunk, (p + 1) * chunk), p * rowLength + column);
}

/** In place: `source`'s rows go to positions [start, start + n) of `axis` of the target, the rest of it unchanged. */
export function writeSlice([target]: readonly Info[], [source]: readonly Info[], { axis, start }: { axis: number; start: number }): void {
  const outer = target.shape.slice(0, axis).reduce((n, d) => n * d, 1);
  const inner = target.shape.slice(axis + 1).reduce((n, d) => n * d, 1);
  copyBlock(target.handle, source.handle, outer, source.shape[axis] * inner, target.shape[axis] * inner, start * inner);
}
