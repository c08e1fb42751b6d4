import type { BufferInfo } from "../backend.js";
import type { TypedArray } from "../dtype.js";
import { broadcastStrides, shapesEqual, sizeOf } from "../shape.js";
import { offsets } from "./offsets.js";

type Info = BufferInfo<TypedArray>;

export function unary(fn: (x: number) => number) {
  return (out: Info, [x]: readonly Info[]) => {
    const o = out.handle;
    const a = x.handle;
    for (let i = 0; i < o.length; i++) o[i] = fn(a[i]);
  };
}

/** How to read `input` over `out`'s iteration space: directly, as one scalar, or via an offset table. */
function reader(input: Info, out: Info): Int32Array | "same" | "scalar" {
  if (shapesEqual(input.shape, out.shape)) return "same";
  if (sizeOf(input.shape) === 1) return "scalar";
  return offsets(out.shape, broadcastStrides(input.shape, out.shape));
}

export function binary(fn: (a: number, b: number) => number) {
  return (out: Info, [x, y]: readonly Info[]) => {
    const o = out.handle;
    const a = x.handle;
    const b = y.handle;
    const ra = reader(x, out);
    const rb = reader(y, out);
    if (ra === "same" && rb === "same") for (let i = 0; i < o.length; i++) o[i] = fn(a[i], b[i]);
    else if (ra === "same" && rb === "scalar") for (let i = 0, s = b[0]; i < o.length; i++) o[i] = fn(a[i], s);
    else if (ra === "scalar" && rb === "same") for (let i = 0, s = a[0]; i < o.length; i++) o[i] = fn(s, b[i]);
    else {
      const ia = ra === "same" ? null : ra === "scalar" ? 0 : ra;
      const ib = rb === "same" ? null : rb === "scalar" ? 0 : rb;
      for (let i = 0; i < o.length; i++) {
        const va = ia === null ? a[i] : ia === 0 ? a[0] : a[ia[i]];
        const vb = ib === null ? b[i] : ib === 0 ? b[0] : b[ib[i]];
        o[i] = fn(va, vb);
      }
    }
  };
}

export function where(out: Info, [cond, x, y]: readonly Info[]): void {
  const o = out.handle;
  const read = (input: Info) => {
    const r = reader(input, out);
    const data = input.handle;
    return r === "same" ? (i: number) => data[i] : r === "scalar" ? () => data[0] : (i: number) => data[r[i]];
  };
  const c = read(cond);
  const a = read(x);
  const b = read(y);
  for (let i = 0; i < o.length; i++) o[i] = c(i) ? a(i) : b(i);
}

export function expand(out: Info, [x]: readonly Info[]): void {
  const o = out.handle;
  const a = x.handle;
  const index = offsets(out.shape, broadcastStrides(x.shape, out.shape));
  for (let i = 0; i < o.length; i++) o[i] = a[index[i]];
}

/** Typed-array assignment does the conversion: f→i32 truncates toward zero, u8 wraps like a C cast. */
export function cast(out: Info, [x]: readonly Info[]): void {
  const o = out.handle;
  const a = x.handle;
  if (out.dtype === "i32" || out.dtype === "u8") for (let i = 0; i < o.length; i++) o[i] = Math.trunc(a[i]);
  else o.set(a);
}
