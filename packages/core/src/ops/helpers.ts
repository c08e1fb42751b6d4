import { DTypeError } from "../errors.js";
import { fillOn, getDefaultBackend } from "../engine.js";
import type { DType } from "../dtype.js";
import { Tensor } from "../tensor.js";

export type Operand = Tensor | number;

/** A scalar tensor of `dtype` on `like`'s backend, filled on the device. */
export function scalarLike(value: number, like: Tensor | null, dtype?: DType): Tensor {
  return fillOn(like?.backend ?? getDefaultBackend(), [], dtype ?? like?.dtype ?? "f32", value);
}

/** Turns JS numbers into scalars matching the other operand (like PyTorch's Python-scalar rule). */
export function operands(op: string, a: Operand, b: Operand): [Tensor, Tensor] {
  const ta = a instanceof Tensor ? a : scalarLike(a, b instanceof Tensor ? b : null);
  const tb = b instanceof Tensor ? b : scalarLike(b, ta);
  return [ta, tb];
}

export function sameDType(op: string, inputs: readonly Tensor[], names: readonly string[]): DType {
  const dtype = inputs[0].dtype;
  inputs.forEach((input, i) => {
    if (input.dtype !== dtype) {
      throw new DTypeError(`${op}: ${names[0]} has dtype ${dtype} but ${names[i]} has dtype ${input.dtype}; cast one with .cast('${dtype}')`);
    }
  });
  return dtype;
}
