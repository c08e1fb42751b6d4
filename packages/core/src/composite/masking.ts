import { scoped } from "../engine.js";
import type { Backend } from "../backend.js";
import type { Tensor } from "../tensor.js";
import { arange, le, reshape, where } from "../functions.js";

/**
 * Lower-triangular u8 mask [rows, cols]: 1 where `col <= row + diagonal`.
 * @example causalMask(3) // [[1,0,0],[1,1,0],[1,1,1]]
 */
export function tril(rows: number, cols = rows, diagonal = 0, backend?: Backend): Tensor {
  return scoped([], () => {
    const r = reshape(arange(diagonal, rows + diagonal, 1, { backend }), [rows, 1]);
    const c = reshape(arange(0, cols, 1, { backend }), [1, cols]);
    return le(c, r);
  });
}

/** The causal attention mask [T, T]: position i may attend to positions j <= i. */
export const causalMask = (size: number, backend?: Backend): Tensor => tril(size, size, 0, backend);

/** `x` with `value` written where `mask` is 1 (e.g. −Infinity above the causal diagonal). */
export const maskedFill = (x: Tensor, mask: Tensor, value: number): Tensor => where(mask, value, x);
