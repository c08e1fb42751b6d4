import { BackendError, DTypeError, ShapeError, formatShape, type Tensor } from "@adaptive-sparse/core";

/**
 * @internal The checks every causal LM's `embed` makes on token ids, with the model's name in each message:
 * i32, [B, T], T <= blockSize, on the model's backend.
 */
export function checkTokenIds(model: string, idx: Tensor, blockSize: number, weight: Tensor): void {
  if (idx.dtype !== "i32") throw new DTypeError(`${model}.forward: idx has dtype ${idx.dtype}, expected i32 token ids`);
  if (idx.rank !== 2) throw new ShapeError(`${model}.forward: idx is ${formatShape(idx.shape)}; expected [B, T]`);
  const T = idx.shape[1]!;
  if (T > blockSize) throw new ShapeError(`${model}.forward: sequence length ${T} exceeds blockSize ${blockSize}; crop idx to its last ${blockSize} tokens`);
  if (idx.backend !== weight.backend) {
    throw new BackendError(`${model}.forward: idx lives on backend "${idx.backend.name}" but the model on "${weight.backend.name}"; make idx with { backend } or move it with await idx.to(backend)`);
  }
}
