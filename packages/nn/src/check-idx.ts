import { BackendError, DTypeError, ShapeError, formatShape, type Tensor } from "@adaptive-sparse/core";

/**
 * @internal The checks every causal LM's `embed` makes on token ids, with the model's name in each message:
 * i32, [B, T], T <= blockSize, on the model's backend.
 */
export function checkTokenIds(model: string, idx: Tensor, blockSize: number, weight: Tensor, start = 0): void {
  if (idx.dtype !== "i32") throw new DTypeError(`${model}.forward: idx has dtype ${idx.dtype}, expected i32 token ids`);
  if (idx.rank !== 2) throw new ShapeError(`${model}.forward: idx is ${formatShape(idx.shape)}; expected [B, T]`);
  const T = idx.shape[1]!;
  if (start + T > blockSize) {
    const what = start ? `${start} cached positions and ${T} new ones exceed` : `sequence length ${T} exceeds`;
    throw new ShapeError(`${model}.forward: ${what} blockSize ${blockSize}; crop idx to its last ${blockSize} tokens${start ? " and start a new cache" : ""}`);
  }
  if (idx.backend !== weight.backend) {
    throw new BackendError(`${model}.forward: idx lives on backend "${idx.backend.name}" but the model on "${weight.backend.name}"; make idx with { backend } or move it with await idx.to(backend)`);
  }
}
