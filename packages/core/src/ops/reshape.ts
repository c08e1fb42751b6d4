import { DisposedError } from "../errors.js";
import { isGradEnabled } from "../engine.js";
import { resolveShape } from "../shape.js";
import { Tensor } from "../tensor.js";

const reshapeDef = {
  name: "Reshape",
  vjp: (g: Tensor, [x]: readonly Tensor[]) => [reshape(g, x.shape)],
};

/**
 * A view with a new shape sharing the same buffer (buffers are always contiguous, so no copy).
 * One dimension may be -1. @example reshape(x, [2, -1])
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  if (x.isDisposed) throw new DisposedError(`reshape: tensor [${x.shape}] was disposed`);
  const resolved = resolveShape("reshape", x.shape, shape);
  x.storage.refs++;
  const out = new Tensor(x.backend, x.storage, resolved, x.dtype);
  if (x.requiresGrad && isGradEnabled()) {
    out.requiresGrad = true;
    out.node = { def: reshapeDef, inputs: [x], attrs: {}, freed: false };
  }
  return out;
}
