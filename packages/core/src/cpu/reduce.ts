import type { BufferInfo } from "../backend.js";
import type { TypedArray } from "../dtype.js";
import { reductionSplit, stridesOf } from "../shape.js";
import { offsets } from "./offsets.js";

type Info = BufferInfo<TypedArray>;

/** Offsets into the (keepdim) output for every input element: reduced axes get stride 0. */
function outputOffsets(input: Info, out: Info): Int32Array {
  const outStrides = stridesOf(out.shape).map((stride, i) => (out.shape[i] === 1 && input.shape[i] !== 1 ? 0 : stride));
  return offsets(input.shape, outStrides);
}

export function reduceSum(out: Info, [x]: readonly Info[]): void {
  const o = out.handle;
  const a = x.handle;
  // Accumulate in doubles, then store once: sums stay accurate for f32 inputs.
  const acc = new Float64Array(o.length);
  const split = reductionSplit(x.shape, out.shape);
  if (split) {
    const [outer, length, inner] = split;
    if (inner === 1) {
      // Whole rows (the last axis, or everything): the same additions in the same order, in a local.
      for (let p = 0; p < outer; p++) {
        let sum = 0;
        for (let k = p * length, end = k + length; k < end; k++) sum += a[k];
        acc[p] = sum;
      }
      o.set(acc);
      return;
    }
    for (let p = 0; p < outer; p++) {
      for (let k = 0; k < length; k++) {
        const base = (p * length + k) * inner;
        for (let q = 0; q < inner; q++) acc[p * inner + q] += a[base + q];
      }
    }
  } else {
    const index = outputOffsets(x, out);
    for (let i = 0; i < a.length; i++) acc[index[i]] += a[i];
  }
  o.set(acc);
}

export function reduceMax(out: Info, [x]: readonly Info[]): void {
  const o = out.handle;
  const a = x.handle;
  o.fill(-Infinity);
  const seenNaN = new Uint8Array(o.length);
  const index = outputOffsets(x, out);
  for (let i = 0; i < a.length; i++) {
    const j = index[i];
    if (Number.isNaN(a[i])) seenNaN[j] = 1;
    else if (a[i] > o[j]) o[j] = a[i];
  }
  for (let j = 0; j < o.length; j++) if (seenNaN[j]) o[j] = NaN;
}

export function argMax(out: Info, [x]: readonly Info[], { axis }: { axis: number }): void {
  const o = out.handle;
  const a = x.handle;
  const length = x.shape[axis];
  const inner = x.shape.slice(axis + 1).reduce((n, d) => n * d, 1);
  const outer = a.length / (length * inner);
  for (let p = 0; p < outer; p++) {
    for (let q = 0; q < inner; q++) {
      let best = 0;
      let bestValue = -Infinity;
      for (let k = 0; k < length; k++) {
        const value = a[(p * length + k) * inner + q];
        if (value > bestValue || Number.isNaN(value)) {
          best = k;
          bestValue = value;
          if (Number.isNaN(value)) break; // NaN counts as the maximum, as in PyTorch
        }
      }
      o[p * inner + q] = best;
    }
  }
}
