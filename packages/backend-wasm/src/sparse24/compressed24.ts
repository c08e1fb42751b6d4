import { ShapeError } from "@adaptive-sparse/core";

/**
 * A 2:4-sparse weight W [rows, cols] in the compressed layout of `@adaptive-sparse/io` (`compress24`,
 * `readCompressed24` return exactly this):
 * - `values` [rows, cols / 2] f32: the 2 kept values of every group of 4 along a row, in column order;
 * - `indices` ceil(rows * cols / 8) bytes: 4 bits per group (first kept position in bits 0-1, second in
 *   bits 2-3), 2 groups per byte with the even group in the low nibble, groups numbered row-major over
 *   the whole matrix.
 */
export interface Compressed24Weight {
  readonly values: Float32Array;
  readonly indices: Uint8Array;
  readonly rows: number;
  readonly cols: number;
}

/**
 * Checks that the arrays match `rows` x `cols` and that x holds whole rows of `cols`.
 * @returns the number of rows of x.
 * @throws ShapeError naming the mismatch.
 */
export function checkSparse24(where: string, x: { length: number }, weight: Compressed24Weight): number {
  const { rows, cols, values, indices } = weight;
  if (!Number.isSafeInteger(rows) || rows < 0 || !Number.isSafeInteger(cols) || cols < 0 || cols % 4 !== 0) {
    throw new ShapeError(`${where}: weight is [${rows}, ${cols}]; rows and cols must be non-negative integers and cols a multiple of 4 (2:4 groups run along rows)`);
  }
  const groups = (rows * cols) / 4;
  if (values.length !== groups * 2) throw new ShapeError(`${where}: values has ${values.length} entries, expected rows * cols / 2 = ${groups * 2} for [${rows}, ${cols}]`);
  if (indices.length !== Math.ceil(groups / 2)) throw new ShapeError(`${where}: indices has ${indices.length} bytes, expected ceil(rows * cols / 8) = ${Math.ceil(groups / 2)} for [${rows}, ${cols}]`);
  if (cols === 0 ? x.length !== 0 : x.length % cols !== 0) throw new ShapeError(`${where}: x has ${x.length} values, not a whole number of rows of ${cols} (x is [..., ${cols}])`);
  return cols === 0 ? 0 : x.length / cols;
}
