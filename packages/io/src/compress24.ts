import { ShapeError } from "@adaptive-sparse/core";
import { SparsityPatternError } from "./errors.js";

/** A 2:4 matrix in compressed form. */
export interface Compressed24 {
  /** The 2 kept values of every group of 4 along a row, in column order: [rows, cols / 2] row-major. */
  values: Float32Array;
  /**
   * Positions (0-3) of the kept values: 4 bits per group (first position in bits 0-1, second in
   * bits 2-3), 2 groups per byte (even group in the low nibble). Groups are numbered row-major over
   * the whole matrix, so the length is ceil(rows * cols / 8).
   */
  indices: Uint8Array;
}

/** @throws ShapeError unless rows and cols are whole and cols holds whole groups of 4 */
export function checkDims(where: string, rows: number, cols: number): void {
  if (!Number.isSafeInteger(rows) || rows < 0 || !Number.isSafeInteger(cols) || cols < 0) {
    throw new ShapeError(`${where}: rows (${rows}) and cols (${cols}) must be non-negative integers`);
  }
  if (cols % 4 !== 0) throw new ShapeError(`${where}: cols is ${cols}, not a multiple of 4 (2:4 groups run along rows; pad or transpose the weight)`);
}

/**
 * Compresses a 2:4-sparse weight: of every 4 consecutive values along a row at most 2 are non-zero.
 * A group with fewer than 2 non-zeros keeps (zero) values at its lowest free positions.
 *
 * @param weight [rows, cols] row-major float32.
 * @returns values [rows, cols / 2] and packed 2-bit positions (see {@link Compressed24}).
 * @throws ShapeError when cols % 4 != 0 or weight.length != rows * cols; SparsityPatternError naming
 *   the row, group and count when a group has more than 2 non-zeros.
 * @example
 * compress24(new Float32Array([0, 5, 0, 7]), 1, 4); // values [5, 7], indices [0b1101] (positions 1 and 3)
 */
export function compress24(weight: Float32Array, rows: number, cols: number): Compressed24 {
  const where = "compress24";
  checkDims(where, rows, cols);
  if (weight.length !== rows * cols) throw new ShapeError(`${where}: weight has ${weight.length} values, expected rows * cols = ${rows} * ${cols} = ${rows * cols}`);
  const groups = (rows * cols) / 4;
  const values = new Float32Array(groups * 2);
  const indices = new Uint8Array(Math.ceil(groups / 2));
  const kept = [0, 0];
  for (let g = 0; g < groups; g++) {
    const base = g * 4;
    let count = 0;
    for (let k = 0; k < 4; k++) {
      if (weight[base + k] !== 0) {
        if (count === 2) {
          const nonzeros = [0, 1, 2, 3].filter((j) => weight[base + j] !== 0).length;
          const row = Math.floor(base / cols);
          const group = (base % cols) / 4;
          throw new SparsityPatternError(
            `${where}: row ${row}, group ${group} (columns ${group * 4}-${group * 4 + 3}) has ${nonzeros} non-zeros; ` +
              `2:4 keeps at most 2 of every 4 along a row (apply a 2:4 mask first)`,
          );
        }
        kept[count++] = k;
      }
    }
    // Fill missing slots with the lowest positions not already kept, then restore column order.
    for (let k = 0; count < 2; k++) if (count === 0 || kept[0] !== k) kept[count++] = k;
    if (kept[0]! > kept[1]!) [kept[0], kept[1]] = [kept[1]!, kept[0]!];
    values[g * 2] = weight[base + kept[0]!]!;
    values[g * 2 + 1] = weight[base + kept[1]!]!;
    indices[g >> 1]! |= (kept[0]! | (kept[1]! << 2)) << ((g & 1) * 4);
  }
  return { values, indices };
}

/**
 * Expands a compressed 2:4 matrix back to dense; exactly inverts {@link compress24}.
 *
 * @returns [rows, cols] row-major float32 with zeros at the dropped positions.
 * @throws ShapeError when the array lengths do not match rows and cols; SparsityPatternError when a
 *   group's two positions are not strictly increasing (corrupt indices).
 * @example
 * decompress24(new Float32Array([5, 7]), new Uint8Array([0b1101]), 1, 4); // [0, 5, 0, 7]
 */
export function decompress24(values: Float32Array, indices: Uint8Array, rows: number, cols: number): Float32Array {
  const where = "decompress24";
  checkDims(where, rows, cols);
  const groups = (rows * cols) / 4;
  if (values.length !== groups * 2) throw new ShapeError(`${where}: values has ${values.length} entries, expected rows * cols / 2 = ${groups * 2}`);
  if (indices.length !== Math.ceil(groups / 2)) throw new ShapeError(`${where}: indices has ${indices.length} bytes, expected ceil(rows * cols / 8) = ${Math.ceil(groups / 2)}`);
  const out = new Float32Array(rows * cols);
  for (let g = 0; g < groups; g++) {
    const nibble = (indices[g >> 1]! >> ((g & 1) * 4)) & 0xf;
    const first = nibble & 3;
    const second = nibble >> 2;
    if (first >= second) {
      throw new SparsityPatternError(`${where}: group ${g} (row ${Math.floor((g * 4) / cols)}) has positions ${first} and ${second}; they must increase (the indices are corrupt)`);
    }
    out[g * 4 + first] = values[g * 2]!;
    out[g * 4 + second] = values[g * 2 + 1]!;
  }
  return out;
}
