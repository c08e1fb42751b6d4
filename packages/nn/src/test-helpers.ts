// Helpers shared by this package's tests; not exported from index.ts.
import { tensor, type Generator, type Tensor } from "@adaptive-sparse/core";

/** A u8 2:4 mask [rows, cols] whose kept pair in each group of 4 is drawn from `generator`. */
export function random24(rows: number, cols: number, generator: Generator): Tensor {
  const values = new Uint8Array(rows * cols);
  const pairs = [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]];
  for (let g = 0; g < values.length / 4; g++) for (const c of pairs[generator.integer(6)]) values[4 * g + c] = 1;
  return tensor(values, { shape: [rows, cols], dtype: "u8" });
}

/**
 * Packs a 2:4 weight [rows, cols] (at most 2 non-zeros per group of 4) in io's compressed layout: the 2
 * kept values per group, and their 2-bit positions 4 to a byte (value j in bits 2·(j mod 4) of byte ⌊j/4⌋).
 */
export function pack24(dense: ArrayLike<number>, rows: number, cols: number): { values: Tensor; indices: Tensor } {
  const values: number[] = [];
  const positions: number[] = [];
  for (let g = 0; g < (rows * cols) / 4; g++) {
    const kept = [0, 1, 2, 3].filter((p) => dense[4 * g + p] !== 0);
    for (let p = 0; kept.length < 2; p++) if (!kept.includes(p)) kept.push(p);
    for (const p of kept.sort((a, b) => a - b)) {
      values.push(dense[4 * g + p]);
      positions.push(p);
    }
  }
  const bytes = new Uint8Array(Math.ceil((rows * cols) / 8));
  positions.forEach((p, j) => (bytes[j >> 2] |= p << (2 * (j & 3))));
  return { values: tensor(values, { shape: [rows, cols / 2] }), indices: tensor(bytes, { dtype: "u8" }) };
}
