import type { BufferInfo } from "../backend.js";
import type { TypedArray } from "../dtype.js";
import { NonFiniteError, ShapeError } from "../errors.js";

type Info = BufferInfo<TypedArray>;

function checkIndex(op: string, index: number, size: number, position: number): void {
  if (index < 0 || index >= size) {
    throw new ShapeError(`${op}: index ${index} at position ${position} is out of range for a table of ${size} rows (valid: 0..${size - 1})`);
  }
}

export function gather(out: Info, [table, indices]: readonly Info[]): void {
  const o = out.handle;
  const t = table.handle;
  const idx = indices.handle;
  const rows = table.shape[0];
  const width = rows === 0 ? 0 : t.length / rows;
  for (let i = 0; i < idx.length; i++) {
    checkIndex("Gather", idx[i], rows, i);
    o.set(t.subarray(idx[i] * width, (idx[i] + 1) * width), i * width);
  }
}

export function scatterAdd(out: Info, [src, indices]: readonly Info[]): void {
  const o = out.handle;
  const s = src.handle;
  const idx = indices.handle;
  const rows = out.shape[0];
  const width = rows === 0 ? 0 : o.length / rows;
  for (let i = 0; i < idx.length; i++) {
    checkIndex("ScatterAdd", idx[i], rows, i);
    const target = idx[i] * width;
    for (let j = 0; j < width; j++) o[target + j] += s[i * width + j];
  }
}

/** Keeps the n largest of each group of m; the order is (score asc, index asc) and the first m−n are pruned. */
export function groupTopK(out: Info, [scores]: readonly Info[], { n, m }: { n: number; m: number }): void {
  const o = out.handle;
  const s = scores.handle;
  const width = scores.shape[scores.shape.length - 1];
  const order = Array.from({ length: m }, (_, i) => i);
  for (let g = 0; g < s.length; g += m) {
    for (let i = 0; i < m; i++) {
      order[i] = i;
      if (Number.isNaN(s[g + i])) {
        throw new NonFiniteError(`GroupTopK: score at row ${Math.floor((g + i) / width)}, column ${(g + i) % width} is NaN; masks need finite scores`);
      }
    }
    order.sort((p, q) => s[g + p] - s[g + q] || p - q);
    for (let i = 0; i < m; i++) o[g + order[i]] = i < m - n ? 0 : 1;
  }
}
