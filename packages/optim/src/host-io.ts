import { BackendError, DTypeError, ShapeError, formatShape, isFloat, shapesEqual, type Tensor, type TypedArray } from "@adaptive-sparse/core";
import { OptimError } from "./errors.js";
import { resolveMask, type Slot } from "./param-groups.js";
import type { HostParam } from "./types.js";

/*
 * The optimizers update parameters on the host: read values, gradient and mask, update in place, write
 * the values back into the parameter's buffer (so every view of it sees the new values, as PyTorch's
 * in-place `p.data` updates do). This is simple and exact; GPU backends will get a fused update kernel
 * later, and until then pay one read and one write per parameter per step.
 */

function checkGrad(where: string, param: Tensor, grad: Tensor): void {
  if (!shapesEqual(grad.shape, param.shape)) {
    throw new ShapeError(`${where}: gradient ${formatShape(grad.shape)} does not match parameter ${formatShape(param.shape)}`);
  }
  if (!isFloat(grad.dtype)) throw new DTypeError(`${where}: gradient of parameter ${formatShape(param.shape)} has dtype ${grad.dtype}, expected f32`);
}

function readSync(where: string, tensor: Tensor): TypedArray {
  if (!tensor.backend.readSync) {
    throw new BackendError(`${where}: backend "${tensor.backend.name}" reads asynchronously only; call await optimizer.stepAsync(...) instead of step(...)`);
  }
  return tensor.dataSync();
}

function assemble(where: string, slot: Slot<unknown>, values: TypedArray, grad: TypedArray, mask: TypedArray | null): HostParam {
  if (mask) {
    for (let i = 0; i < mask.length; i++) {
      if (mask[i] > 1) throw new OptimError(`${where}: the mask of parameter ${formatShape(slot.param.shape)} holds ${mask[i]} at flat index ${i}; masks hold only 0 (pruned) and 1 (kept)`);
    }
  }
  return {
    values: values as Float32Array | Float64Array,
    grad: grad as Float32Array | Float64Array,
    mask: mask as Uint8Array | null,
  };
}

/** Host copies of a slot's values, gradient and mask; null when the parameter has no gradient (it is skipped). */
export function readHostSync(where: string, slot: Slot<unknown>): HostParam | null {
  const grad = slot.param.grad;
  if (!grad) return null;
  checkGrad(where, slot.param, grad);
  const mask = resolveMask(where, slot);
  return assemble(where, slot, readSync(where, slot.param), readSync(where, grad), mask ? readSync(where, mask) : null);
}

/** Like {@link readHostSync}, for backends that read asynchronously. */
export async function readHostAsync(where: string, slot: Slot<unknown>): Promise<HostParam | null> {
  const grad = slot.param.grad;
  if (!grad) return null;
  checkGrad(where, slot.param, grad);
  const mask = resolveMask(where, slot);
  const [values, gradValues, maskValues] = await Promise.all([slot.param.data(), grad.data(), mask ? mask.data() : null]);
  return assemble(where, slot, values, gradValues, maskValues);
}

/** Writes updated values into the parameter's own buffer (in place; views of it follow). */
export function writeParam(param: Tensor, values: TypedArray): void {
  param.backend.write(param.storage.handle, values);
}
