import type { BufferInfo } from "../backend.js";
import type { TypedArray } from "../dtype.js";
import { broadcastRead, broadcastStrides } from "../shape.js";
import { offsets } from "./offsets.js";
import { forEachRow } from "./strided.js";

type Info = BufferInfo<TypedArray>;

/**
 * How to read `input` over `out`'s iteration space. Common broadcasts get arithmetic indexing: a trailing
 * block repeated (`[N, C] + [C]`: i mod C) or a leading block spread (`[N, C] * [N, 1]`: i div C);
 * anything else goes through an offset table.
 */
type Reader = { kind: "same" } | { kind: "mod"; size: number } | { kind: "div"; inner: number } | { kind: "table"; index: Int32Array };

function reader(input: Info, out: Info): Reader {
  const read = broadcastRead(input.shape, out.shape);
  if (read.kind === "row") return { kind: "mod", size: read.size };
  if (read.kind === "col") return { kind: "div", inner: read.inner };
  if (read.kind === "same") return read;
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

type Array = TypedArray;

/**
 * Loops for one binary op. Every op gets its own copies of the loops: one shared loop calling `fn` per
 * element becomes megamorphic once several ops use it, and measured 6–20× slower than an inlined body.
 */
export interface BinaryLoops {
  /** Elementwise fallback for unusual broadcasts. */
  fn(a: number, b: number): number;
  /** Same shapes. */
  same(o: Array, a: Array, b: Array): void;
  /** `b` repeats with period `width` (a row vector or a scalar). */
  row(o: Array, a: Array, b: Array, width: number): void;
  /** `b` holds one value per block of `inner` elements (a column vector). */
  col(o: Array, a: Array, b: Array, inner: number): void;
  /** Whether `fn(a, b) === fn(b, a)`, so a broadcast left operand can use the loops swapped. */
  commutes: boolean;
}

export function binary(loops: BinaryLoops) {
  return (out: Info, [x, y]: readonly Info[]) => {
    const o = out.handle;
    let ra = reader(x, out);
    let rb = reader(y, out);
    let [a, b] = [x.handle, y.handle];
    if (loops.commutes && rb.kind === "same" && ra.kind !== "same") [ra, rb, a, b] = [rb, ra, b, a];
    if (ra.kind === "same" && rb.kind === "same") loops.same(o, a, b);
    else if (ra.kind === "same" && rb.kind === "mod") loops.row(o, a, b, rb.size);
    else if (ra.kind === "same" && rb.kind === "div") loops.col(o, a, b, rb.inner);
    else {
      const ia = indexer(ra);
      const ib = indexer(rb);
      for (let i = 0; i < o.length; i++) o[i] = loops.fn(a[ia(i)], b[ib(i)]);
    }
  };
}

export function where(out: Info, [cond, x, y]: readonly Info[]): void {
  const o = out.handle;
  const c = cond.handle;
  const a = x.handle;
  const b = y.handle;
  const rc = reader(cond, out);
  const ra = reader(x, out);
  const rb = reader(y, out);
  // Masked fill (a [T, T] mask over [B, H, T, T] scores, one operand a scalar): a tight loop per mask period.
  if (rc.kind === "mod" && ra.kind !== "table" && rb.kind !== "table" && (ra.kind === "same" || (ra.kind === "mod" && ra.size === 1)) && (rb.kind === "same" || (rb.kind === "mod" && rb.size === 1))) {
    const period = rc.size;
    const aSame = ra.kind === "same";
    const bSame = rb.kind === "same";
    for (let s = 0; s < o.length; s += period) {
      for (let j = 0; j < period; j++) o[s + j] = c[j] ? (aSame ? a[s + j] : a[0]) : bSame ? b[s + j] : b[0];
    }
    return;
  }
  const ic = indexer(rc);
  const ia = indexer(ra);
  const ib = indexer(rb);
  for (let i = 0; i < o.length; i++) o[i] = c[ic(i)] ? a[ia(i)] : b[ib(i)];
}

export function expand(out: Info, [x]: readonly Info[]): void {
  const o = out.handle;
  const a = x.handle;
  forEachRow(out.shape, broadcastStrides(x.shape, out.shape), 0, (start, offset, length, stride) => {
    if (stride === 1) o.set(a.subarray(offset, offset + length), start);
    else o.fill(a[offset], start, start + length);
  });
}

/**
 * Typed-array conversion does the cast: f→i32 truncates toward zero and wraps modulo 2³², u8 wraps like a
 * C cast, NaN and ±Infinity become 0 (ToInt32/ToUint8). `set` converts natively: an 85M-element u8→i32 cast
 * takes a fraction of an element-by-element loop's time.
 */
export function cast(out: Info, [x]: readonly Info[]): void {
  out.handle.set(x.handle);
}
