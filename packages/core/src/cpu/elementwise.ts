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

/**
 * How to read `input` over `out`'s iteration space. Common broadcasts get arithmetic indexing: a trailing
 * block repeated (`[N, C] + [C]`: i mod C) or a leading block spread (`[N, C] * [N, 1]`: i div C);
 * anything else goes through an offset table.
 */
type Reader = { kind: "same" } | { kind: "mod"; size: number } | { kind: "div"; inner: number } | { kind: "table"; index: Int32Array };

function reader(input: Info, out: Info): Reader {
  if (shapesEqual(input.shape, out.shape)) return { kind: "same" };
  const size = sizeOf(input.shape);
  const rank = out.shape.length;
  const padded = [...new Array<number>(rank - input.shape.length).fill(1), ...input.shape];
  let lead = 0;
  while (lead < rank && padded[lead] === 1) lead++;
  if (padded.slice(lead).every((dim, i) => dim === out.shape[lead + i])) return { kind: "mod", size };
  let tail = rank;
  while (tail > 0 && padded[tail - 1] === 1) tail--;
  if (padded.slice(0, tail).every((dim, i) => dim === out.shape[i])) return { kind: "div", inner: sizeOf(out.shape.slice(tail)) };
  return { kind: "table", index: offsets(out.shape, broadcastStrides(input.shape, out.shape)) };
}

function indexer(r: Reader): (i: number) => number {
  switch (r.kind) {
    case "same":
      return (i) => i;
    case "mod":
      return r.size === 1 ? () => 0 : (i) => i % r.size;
    case "div":
      return (i) => Math.floor(i / r.inner);
    case "table":
      return (i) => r.index[i];
  }
}

export function binary(fn: (a: number, b: number) => number) {
  return (out: Info, [x, y]: readonly Info[]) => {
    const o = out.handle;
    const a = x.handle;
    const b = y.handle;
    const ra = reader(x, out);
    const rb = reader(y, out);
    if (ra.kind === "same" && rb.kind === "same") for (let i = 0; i < o.length; i++) o[i] = fn(a[i], b[i]);
    else if (ra.kind === "same" && rb.kind === "mod") {
      // [rows, width] op [width] (or a scalar): walk rows so the inner loop is contiguous in both.
      const width = rb.size;
      for (let start = 0; start < o.length; start += width) for (let j = 0; j < width; j++) o[start + j] = fn(a[start + j], b[j]);
    } else if (ra.kind === "same" && rb.kind === "div") {
      const inner = rb.inner;
      for (let r = 0, start = 0; start < o.length; r++, start += inner) {
        const v = b[r];
        for (let j = 0; j < inner; j++) o[start + j] = fn(a[start + j], v);
      }
    } else {
      const ia = indexer(ra);
      const ib = indexer(rb);
      for (let i = 0; i < o.length; i++) o[i] = fn(a[ia(i)], b[ib(i)]);
    }
  };
}

export function where(out: Info, [cond, x, y]: readonly Info[]): void {
  const o = out.handle;
  const c = cond.handle;
  const a = x.handle;
  const b = y.handle;
  const ic = indexer(reader(cond, out));
  const ia = indexer(reader(x, out));
  const ib = indexer(reader(y, out));
  for (let i = 0; i < o.length; i++) o[i] = c[ic(i)] ? a[ia(i)] : b[ib(i)];
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
