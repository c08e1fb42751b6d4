// Helpers shared by this package's tests; not exported from index.ts.
import { tensor, type Generator, type Tensor } from "@adaptive-sparse/core";

/** A u8 2:4 mask [rows, cols] whose kept pair in each group of 4 is drawn from `generator`. */
export function random24(rows: number, cols: number, generator: Generator): Tensor {
  const values = new Uint8Array(rows * cols);
  const pairs = [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]];
  for (let g = 0; g < values.length / 4; g++) for (const c of pairs[generator.integer(6)]) values[4 * g + c] = 1;
  return tensor(values, { shape: [rows, cols], dtype: "u8" });
}
