import type { BufferInfo } from "../backend.js";
import type { TypedArray } from "../dtype.js";
import { stridesOf } from "../shape.js";
import { offsets } from "./offsets.js";

type Info = BufferInfo<TypedArray>;

export function permute(out: Info, [x]: readonly Info[], { perm }: { perm: number[] }): void {
  const inStrides = stridesOf(x.shape);
  const index = offsets(out.shape, perm.map((axis) => inStrides[axis]));
  const o = out.handle;
  const a = x.handle;
  for (let i = 0; i < o.length; i++) o[i] = a[index[i]];
}

export function slice(out: Info, [x]: readonly Info[], { begin }: { begin: number[] }): void {
  const inStrides = stridesOf(x.shape);
  const base = begin.reduce((acc, start, i) => acc + start * inStrides[i], 0);
  const index = offsets(out.shape, inStrides, base);
  const o = out.handle;
  const a = x.handle;
  for (let i = 0; i < o.length; i++) o[i] = a[index[i]];
}

export function pad(out: Info, [x]: readonly Info[], { before }: { before: number[] }): void {
  const outStrides = stridesOf(out.shape);
  const base = before.reduce((acc, n, i) => acc + n * outStrides[i], 0);
  const index = offsets(x.shape, outStrides, base);
  const o = out.handle;
  const a = x.handle;
  for (let i = 0; i < a.length; i++) o[index[i]] = a[i];
}

export function concat(out: Info, inputs: readonly Info[], { axis }: { axis: number }): void {
  const o = out.handle;
  const outer = out.shape.slice(0, axis).reduce((n, d) => n * d, 1);
  const inner = out.shape.slice(axis + 1).reduce((n, d) => n * d, 1);
  const rowLength = out.shape[axis] * inner;
  let column = 0;
  for (const input of inputs) {
    const chunk = input.shape[axis] * inner;
    const a = input.handle;
    for (let p = 0; p < outer; p++) o.set(a.subarray(p * chunk, (p + 1) * chunk), p * rowLength + column);
    column += chunk;
  }
}
