import { decompose, divide } from "./decompose.js";

/** Permute, Expand and Slice: `y[i] = x[base + offset(i)]`, params `[n, rank, base, shape..., strides...]`. */
export function stridedGatherSource(): string {
  return `function (x, p) {
    const i = this.thread.x;
    let off = p[2];
    ${decompose("i", "p[1]", "3", [{ name: "off", strideAt: "3 + p[1]" }], "")}
    return x[off];
  }`;
}

/**
 * Pad as a gather: output coordinates minus `before` inside the input read it, anything else is 0.
 * Params `[n, rank, outShape..., before..., inShape..., inStrides...]` (rank ≤ 8, not collapsed).
 */
export function padSource(): string {
  return `function (x, p) {
    const i = this.thread.x;
    const rank = p[1];
    let rem = i;
    let off = 0;
    let outside = 0;
    for (let e = 0; e < 8; e++) {
      if (e < rank) {
        const d = rank - 1 - e;
        const dim = p[2 + d];
        ${divide("q", "rem", "dim")}
        const c = rem - q * dim - p[2 + rank + d];
        if (c < 0 || c >= p[2 + 2 * rank + d]) { outside = 1; }
        off = off + c * p[2 + 3 * rank + d];
        rem = q;
      }
    }
    if (outside > 0) { return 0; }
    return x[off];
  }`;
}

/**
 * Two inputs joined along an axis, seen as rows: output row r is `a`'s row r (width `wa`) then `b`'s (width
 * `wb`). Params `[n, wa, wb]`; more inputs fold pairwise.
 */
export function concatPairSource(): string {
  return `function (a, b, p) {
    const i = this.thread.x;
    const wa = p[1];
    const wb = p[2];
    ${divide("r", "i", "wa + wb")}
    const c = i - r * (wa + wb);
    if (c < wa) { return a[r * wa + c]; }
    return b[r * wb + c - wa];
  }`;
}
