import type { BufferInfo } from "../backend.js";
import type { TypedArray } from "../dtype.js";
import type { BinaryLoops } from "./elementwise.js";

// Hand-specialised loops (see BinaryLoops for why they are not generated from one shared loop).
type A = TypedArray;
type Info = BufferInfo<TypedArray>;

export const unaryKernels = {
  Neg: (out: Info, [x]: readonly Info[]) => { const o = out.handle, a = x.handle; for (let i = 0; i < o.length; i++) o[i] = -a[i]; },
  Exp: (out: Info, [x]: readonly Info[]) => { const o = out.handle, a = x.handle; for (let i = 0; i < o.length; i++) o[i] = Math.exp(a[i]); },
  Log: (out: Info, [x]: readonly Info[]) => { const o = out.handle, a = x.handle; for (let i = 0; i < o.length; i++) o[i] = Math.log(a[i]); },
  Sqrt: (out: Info, [x]: readonly Info[]) => { const o = out.handle, a = x.handle; for (let i = 0; i < o.length; i++) o[i] = Math.sqrt(a[i]); },
  Reciprocal: (out: Info, [x]: readonly Info[]) => { const o = out.handle, a = x.handle; for (let i = 0; i < o.length; i++) o[i] = 1 / a[i]; },
  Tanh: (out: Info, [x]: readonly Info[]) => { const o = out.handle, a = x.handle; for (let i = 0; i < o.length; i++) o[i] = Math.tanh(a[i]); },
};

const max = (a: number, b: number) => (a !== a || b !== b ? NaN : a > b ? a : b);

export const addLoops: BinaryLoops = {
  fn: (a, b) => a + b,
  same: (o: A, a: A, b: A) => { for (let i = 0; i < o.length; i++) o[i] = a[i] + b[i]; },
  row: (o: A, a: A, b: A, w: number) => { for (let s = 0; s < o.length; s += w) for (let j = 0; j < w; j++) o[s + j] = a[s + j] + b[j]; },
  col: (o: A, a: A, b: A, n: number) => { for (let r = 0, s = 0; s < o.length; r++, s += n) { const v = b[r]; for (let j = 0; j < n; j++) o[s + j] = a[s + j] + v; } },
  commutes: true,
};
export const mulLoops: BinaryLoops = {
  fn: (a, b) => a * b,
  same: (o: A, a: A, b: A) => { for (let i = 0; i < o.length; i++) o[i] = a[i] * b[i]; },
  row: (o: A, a: A, b: A, w: number) => { for (let s = 0; s < o.length; s += w) for (let j = 0; j < w; j++) o[s + j] = a[s + j] * b[j]; },
  col: (o: A, a: A, b: A, n: number) => { for (let r = 0, s = 0; s < o.length; r++, s += n) { const v = b[r]; for (let j = 0; j < n; j++) o[s + j] = a[s + j] * v; } },
  commutes: true,
};
export const powLoops: BinaryLoops = {
  fn: Math.pow,
  same: (o: A, a: A, b: A) => { for (let i = 0; i < o.length; i++) o[i] = Math.pow(a[i], b[i]); },
  row: (o: A, a: A, b: A, w: number) => { for (let s = 0; s < o.length; s += w) for (let j = 0; j < w; j++) o[s + j] = Math.pow(a[s + j], b[j]); },
  col: (o: A, a: A, b: A, n: number) => { for (let r = 0, s = 0; s < o.length; r++, s += n) { const v = b[r]; for (let j = 0; j < n; j++) o[s + j] = Math.pow(a[s + j], v); } },
  commutes: false,
};
export const maximumLoops: BinaryLoops = {
  fn: max,
  same: (o: A, a: A, b: A) => { for (let i = 0; i < o.length; i++) o[i] = max(a[i], b[i]); },
  row: (o: A, a: A, b: A, w: number) => { for (let s = 0; s < o.length; s += w) for (let j = 0; j < w; j++) o[s + j] = max(a[s + j], b[j]); },
  col: (o: A, a: A, b: A, n: number) => { for (let r = 0, s = 0; s < o.length; r++, s += n) { const v = b[r]; for (let j = 0; j < n; j++) o[s + j] = max(a[s + j], v); } },
  commutes: true,
};
export const lessLoops: BinaryLoops = {
  fn: (a, b) => (a < b ? 1 : 0),
  same: (o: A, a: A, b: A) => { for (let i = 0; i < o.length; i++) o[i] = a[i] < b[i] ? 1 : 0; },
  row: (o: A, a: A, b: A, w: number) => { for (let s = 0; s < o.length; s += w) for (let j = 0; j < w; j++) o[s + j] = a[s + j] < b[j] ? 1 : 0; },
  col: (o: A, a: A, b: A, n: number) => { for (let r = 0, s = 0; s < o.length; r++, s += n) { const v = b[r]; for (let j = 0; j < n; j++) o[s + j] = a[s + j] < v ? 1 : 0; } },
  commutes: false,
};
export const lessEqualLoops: BinaryLoops = {
  fn: (a, b) => (a <= b ? 1 : 0),
  same: (o: A, a: A, b: A) => { for (let i = 0; i < o.length; i++) o[i] = a[i] <= b[i] ? 1 : 0; },
  row: (o: A, a: A, b: A, w: number) => { for (let s = 0; s < o.length; s += w) for (let j = 0; j < w; j++) o[s + j] = a[s + j] <= b[j] ? 1 : 0; },
  col: (o: A, a: A, b: A, n: number) => { for (let r = 0, s = 0; s < o.length; r++, s += n) { const v = b[r]; for (let j = 0; j < n; j++) o[s + j] = a[s + j] <= v ? 1 : 0; } },
  commutes: false,
};
export const equalLoops: BinaryLoops = {
  fn: (a, b) => (a === b ? 1 : 0),
  same: (o: A, a: A, b: A) => { for (let i = 0; i < o.length; i++) o[i] = a[i] === b[i] ? 1 : 0; },
  row: (o: A, a: A, b: A, w: number) => { for (let s = 0; s < o.length; s += w) for (let j = 0; j < w; j++) o[s + j] = a[s + j] === b[j] ? 1 : 0; },
  col: (o: A, a: A, b: A, n: number) => { for (let r = 0, s = 0; s < o.length; r++, s += n) { const v = b[r]; for (let j = 0; j < n; j++) o[s + j] = a[s + j] === v ? 1 : 0; } },
  commutes: true,
};
