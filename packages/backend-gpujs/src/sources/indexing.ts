import { divide } from "./decompose.js";

/** `y[r, c] = table[idx[r], c]`, params `[n, width]` (indices checked on the host first). */
export function gatherSource(): string {
  return `function (t, idx, p) {
    const i = this.thread.x;
    const width = p[1];
    ${divide("r", "i", "width")}
    return t[idx[r] * width + i - r * width];
  }`;
}

/**
 * ScatterAdd written gather-style (gpu.js kernels only return their own element): output `(r, c)` sums
 * `src[s, c]` over every `s` with `idx[s] = r`, in source order like the cpu kernel. O(rows·width·N) work,
 * fine for gradients of small tables. Params `[n, width, N]`.
 */
export function scatterAddSource(): string {
  return `function (src, idx, p) {
    const i = this.thread.x;
    const width = p[1];
    ${divide("r", "i", "width")}
    const c = i - r * width;
    let acc = 0;
    for (let s = 0; s < p[2]; s++) {
      if (idx[s] === r) { acc = acc + src[s * width + c]; }
    }
    return acc;
  }`;
}

/**
 * N:M keep-mask per element: its rank by (score, index) within its group of `m`; the `m − n` lowest are pruned,
 * so among equal scores the lower index goes first. Params `[n, m, prune]` (NaN scores rejected on the host).
 */
export function groupTopKSource(): string {
  return `function (s, p) {
    const i = this.thread.x;
    const m = p[1];
    ${divide("g", "i", "m")}
    const start = g * m;
    const v = s[i];
    let rank = 0;
    for (let f = 0; f < m; f++) {
      const w = s[start + f];
      if (w < v) { rank = rank + 1; }
      if (w === v && start + f < i) { rank = rank + 1; }
    }
    if (rank < p[2]) { return 0; }
    return 1;
  }`;
}
