import { DTypeError, ShapeError, formatShape, isFloat, shapesEqual, type Tensor } from "@adaptive-sparse/core";

/*
 * The optimizers update parameters on the parameter's own backend: no value, gradient, moment or mask
 * is read back to the host during a step. An update computed out of place (SGD, the momentum buffer)
 * is moved under the parameter's buffer, so every view of the parameter sees the new values, as
 * PyTorch's in-place `p.data` updates do.
 */

/** Checks that a gradient fits its parameter (shape, float dtype). */
export function checkGrad(where: string, param: Tensor, grad: Tensor): void {
  if (!shapesEqual(grad.shape, param.shape)) {
    throw new ShapeError(`${where}: gradient ${formatShape(grad.shape)} does not match parameter ${formatShape(param.shape)}`);
  }
  if (!isFloat(grad.dtype)) throw new DTypeError(`${where}: gradient of parameter ${formatShape(param.shape)} has dtype ${grad.dtype}, expected f32`);
}

/**
 * Puts `next`'s device buffer under `target` (same shape and dtype; every tensor sharing target's storage
 * follows) and frees target's old buffer with `next`. Nothing crosses to the host.
 */
export function assignInPlace(target: Tensor, next: Tensor): void {
  const old = target.storage.handle;
  target.storage.handle = next.storage.handle;
  next.storage.handle = old;
  next.dispose();
}
