import type { BufferInfo } from "../backend.js";
import type { TypedArray } from "../dtype.js";
import { NonFiniteError, ShapeError, groupTopKNaNMessage } from "../errors.js";

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

/**
 * Keeps the n largest of each group of m; the order is (score asc, index asc) and the first m−n are pruned. Each
 * element's place in that order is counted directly (m² comparisons, no sort): 2:4 over GPT-2 124M's 85M
 * weights took 2.6 s with a sort per group, 0.95 s this way.
 */
export function groupTopK(out: Info, [scores]: readonly Info[], { n, m }: { n: number; m: number }): void {
  const o = out.handle;
  const s = scores.handle;
  const width = scores.shape[scores.shape.length - 1];
  const pruned = m - n;
  for (let g = 0; g < s.length; g += m) {
    for (let i = 0; i < m; i++) {
      if (Number.isNaN(s[g + i])) {
        throw new NonFiniteError(groupTopKNaNMessage(Math.floor((g + i) / width), (g + i) % width));
      }
    }
    for (let i = 0; i < m; i++) {
      const si = s[g + i];
      let place = 0; // how many of the group come before i: smaller, or equal with a lower index
      for (let j = 0; j < m; j++) if (s[g + j] < si || (j < i && s[g + j] === si)) place++;
      o[g + i] = place < pruned ? 0 : 1;
    }
  }
}
