import { rounderFor } from "./optimizer-base.js";
import type { AdamWGroup } from "./adamw-options.js";
import type { HostParam } from "./types.js";

/** Per-parameter AdamW state, float32 like the master weights (method.md §3.4.2). */
export interface AdamWSlotState {
  /** k, the number of updates this parameter has had (1-based after the first). */
  step: number;
  /** μ: EMA of the loss gradient (the whole gradient in `'gradient'` mode). */
  readonly firstMoment: Float32Array;
  /** v: EMA of the squared update (u² for masked parameters in the decoupled modes, g² otherwise). */
  readonly secondMoment: Float32Array;
}

/** The scalars of one update, shared by every element. */
interface Coefficients {
  readonly lr: number;
  readonly decay: number;
  /** 1 − lr·wd: the decoupled weight decay, applied first (step 1 of §3.4). */
  readonly shrink: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** lr / (1 − β₁^k). */
  readonly stepSize: number;
  /** √(1 − β₂^k). */
  readonly bc2Sqrt: number;
}

/**
 * One AdamW update of `host.values` in place (method.md §3.4, §3.4.2). Unmasked parameters (or
 * `host.mask === null`) get textbook AdamW; masked ones get λ(t) on their pruned positions per `mode`.
 * Arithmetic is in doubles, rounded to float32 where PyTorch stores a float32 tensor.
 * @param rank the parameter's rank (weight decay only applies when rank >= group.weightDecayMinRank).
 */
export function adamwUpdate(host: HostParam, state: AdamWSlotState, group: AdamWGroup, rank: number, lr: number, decay: number): void {
  state.step += 1;
  const [beta1, beta2] = group.betas;
  const weightDecay = rank >= group.weightDecayMinRank ? group.weightDecay : 0;
  const c: Coefficients = {
    lr,
    decay,
    shrink: 1 - lr * weightDecay,
    beta1,
    beta2,
    eps: group.eps,
    stepSize: lr / (1 - beta1 ** state.step),
    bc2Sqrt: Math.sqrt(1 - beta2 ** state.step),
  };
  if (!host.mask) return textbook(host, state, c, host.grad);
  switch (group.decayMode) {
    case "decoupled":
      return decoupled(host, host.mask, state, c, 1);
    case "reference-int-not":
      return decoupled(host, host.mask, state, c, -1);
    case "gradient":
      return textbook(host, state, c, decayedGradient(host, host.mask, decay));
    case "sgd":
      return literalSgd(host, host.mask, c);
  }
}

/** Steps 1, 3', 7: `p ← p(1−lr·wd)`; μ, v from `grad`; `p ← p − lr/bc1 · μ / (√v/√bc2 + ε)`. */
function textbook(host: HostParam, state: AdamWSlotState, c: Coefficients, grad: ArrayLike<number>): void {
  const { values } = host;
  const { firstMoment: m, secondMoment: v } = state;
  const round = rounderFor(values);
  for (let i = 0; i < values.length; i++) {
    const p = round(values[i] * c.shrink);
    const g = grad[i];
    m[i] = c.beta1 * m[i] + (1 - c.beta1) * g;
    v[i] = c.beta2 * v[i] + (1 - c.beta2) * g * g;
    values[i] = p - (c.stepSize * m[i]) / (Math.sqrt(v[i]) / c.bc2Sqrt + c.eps);
  }
}

/**
 * Steps 1–7 for a masked parameter: μ from the loss gradient only, `d = λ·E⊙p` on the weight-decayed p,
 * `u = μ + d`, v from u², and the bias-corrected step along u. `E = 1 − M` for `sign = 1` (the paper),
 * `E = −1 − M` for `sign = −1` (PyTorch's `~` on the reference's int32 mask, §3.4.1).
 */
function decoupled(host: HostParam, mask: Uint8Array, state: AdamWSlotState, c: Coefficients, sign: 1 | -1): void {
  const { values, grad } = host;
  const { firstMoment: m, secondMoment: v } = state;
  const round = rounderFor(values);
  for (let i = 0; i < values.length; i++) {
    const p = round(values[i] * c.shrink);
    m[i] = c.beta1 * m[i] + (1 - c.beta1) * grad[i];
    const e = sign === 1 ? 1 - mask[i] : -1 - mask[i];
    const u = round(m[i] + c.decay * e * p);
    v[i] = c.beta2 * v[i] + (1 - c.beta2) * u * u;
    values[i] = p - (c.stepSize * u) / (Math.sqrt(v[i]) / c.bc2Sqrt + c.eps);
  }
}

/** `g + λ·(1−M)⊙p` with p before this step's weight decay (the LLaMA callback runs before the optimizer). */
function decayedGradient(host: HostParam, mask: Uint8Array, decay: number): Float64Array {
  const out = new Float64Array(host.grad.length);
  const round = rounderFor(host.values);
  for (let i = 0; i < out.length; i++) out[i] = round(host.grad[i] + decay * (1 - mask[i]) * host.values[i]);
  return out;
}

/** The literal Eq. 3 (after the group's decoupled weight decay, 0 in the paper's form): `p ← p − lr·(g + λ(1−M)⊙p)`. */
function literalSgd(host: HostParam, mask: Uint8Array, c: Coefficients): void {
  const { values, grad } = host;
  const round = rounderFor(values);
  for (let i = 0; i < values.length; i++) {
    const p = round(values[i] * c.shrink);
    values[i] = p - c.lr * (grad[i] + c.decay * (1 - mask[i]) * p);
  }
}
