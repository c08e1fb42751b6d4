import { BackendError, DTypeError, ShapeError } from "../errors.js";
import { bufferInfo, noGrad, tidy } from "../engine.js";
import { formatShape, shapesEqual } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { add, cast, div, mul, sqrt, sub } from "../functions.js";
import type { AdamWStepAttrs } from "./op-names.js";
import { swapInto } from "./swap-into.js";

/** The tensors of one in-place AdamW update: parameter, moments (f32, the parameter's shape), gradient, optional keep-mask. */
export interface AdamWStepTensors {
  readonly param: Tensor;
  readonly m: Tensor;
  readonly v: Tensor;
  readonly grad: Tensor;
  readonly mask?: Tensor | null;
}

function check({ param, m, v, grad, mask }: AdamWStepTensors, attrs: AdamWStepAttrs): void {
  const named: [string, Tensor][] = [["m", m], ["v", v], ["grad", grad], ...(mask ? [["mask", mask] as [string, Tensor]] : [])];
  for (const [name, t] of named) {
    if (!shapesEqual(t.shape, param.shape)) throw new ShapeError(`AdamWStep: ${name} ${formatShape(t.shape)} does not match the parameter ${formatShape(param.shape)}`);
    if (t.backend !== param.backend) throw new BackendError(`AdamWStep: ${name} lives on ${t.backend.name}, the parameter on ${param.backend.name}; move it with .to(backend) first`);
  }
  for (const [name, t] of [["param", param], ["m", m], ["v", v], ["grad", grad]] as const) {
    if (t.dtype !== "f32") throw new DTypeError(`AdamWStep: ${name} has dtype ${t.dtype}, expected f32`);
  }
  if (mask && mask.dtype !== "u8") throw new DTypeError(`AdamWStep: mask has dtype ${mask.dtype}, expected u8 (1 kept, 0 pruned)`);
  if (!mask && attrs.mode !== "textbook") throw new ShapeError(`AdamWStep: mode "${attrs.mode}" needs a mask; use mode "textbook" for an unmasked parameter`);
  if (!(Number.isInteger(attrs.step) && attrs.step >= 1)) throw new ShapeError(`AdamWStep: step must be the 1-based update count, got ${attrs.step}`);
}

/** The update in primitives, for backends without the fused kernel: new tensors swapped into the old buffers. */
function decomposed({ param, m, v, grad, mask }: AdamWStepTensors, a: AdamWStepAttrs): void {
  const [next, nextM, nextV] = noGrad(() =>
    tidy(() => {
      const pruned = mask ? sub(a.mode === "reference-int-not" ? -1 : 1, cast(mask, "f32")) : null; // E
      const shrunk = mul(param, 1 - a.lr * a.weightDecay);
      if (a.mode === "sgd") return [sub(shrunk, mul(add(grad, mul(mul(pruned!, shrunk), a.decay)), a.lr)), null, null];
      const decoupled = a.mode === "decoupled" || a.mode === "reference-int-not";
      const g = a.mode === "gradient" ? add(grad, mul(mul(pruned!, param), a.decay)) : grad;
      const mu = add(mul(m, a.beta1), mul(g, 1 - a.beta1));
      const u = decoupled ? add(mu, mul(mul(pruned!, shrunk), a.decay)) : mu;
      const squared = decoupled ? u : g; // v follows u² in the decoupled modes, g² otherwise
      const nu = add(mul(v, a.beta2), mul(mul(squared, squared), 1 - a.beta2));
      const denom = add(div(sqrt(nu), Math.sqrt(1 - a.beta2 ** a.step)), a.eps);
      return [sub(shrunk, div(mul(u, a.lr / (1 - a.beta1 ** a.step)), denom)), mu, nu];
    }),
  );
  swapInto(param, next);
  if (nextM) swapInto(m, nextM);
  if (nextV) swapInto(v, nextV);
}

/**
 * One AdamW update with AST's masked decay, in place on the device: `param`, `m` and `v` are updated,
 * nothing is read back (method.md §3.4). Uses the backend's fused kernel when it has one, else the
 * decomposition into primitives. Modes as optim's `DecayMode`, plus `textbook` for unmasked parameters.
 * @throws ShapeError/DTypeError when the tensors do not fit together (the message names which).
 * @example adamwStep({ param: w, m, v, grad: w.grad!, mask }, { lr: 1e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, decay: 0.01, step: 1, mode: "decoupled" })
 */
export function adamwStep(tensors: AdamWStepTensors, attrs: AdamWStepAttrs): void {
  check(tensors, attrs);
  const { param, m, v, grad, mask } = tensors;
  const kernel = param.backend.kernels.AdamWStep;
  if (!kernel) return decomposed(tensors, attrs);
  kernel([param, m, v].map(bufferInfo), [grad, ...(mask ? [mask] : [])].map(bufferInfo), attrs);
}
