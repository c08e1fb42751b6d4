import type { BufferInfo } from "../backend.js";
import type { TypedArray } from "../dtype.js";
import type { AdamWStepAttrs } from "../ops/op-names.js";

type Info = BufferInfo<TypedArray>;

/**
 * AdamW with AST's masked decay, in place (method.md §3.4, §3.4.2). Arithmetic in doubles, rounded to the
 * parameter's float32 where PyTorch stores a float32 tensor (after the weight decay, and u in the decoupled
 * modes), so results match optim's reference update and PyTorch's fixtures bit for bit.
 */
export function adamwStep([param, m, v]: readonly Info[], [grad, mask]: readonly Info[], attrs: AdamWStepAttrs): void {
  const p = param.handle, g = grad.handle, mu = m.handle, nu = v.handle;
  const e = mask?.handle ?? null;
  const { lr, beta1, beta2, eps, weightDecay, decay, step, mode } = attrs;
  const round = p instanceof Float32Array ? Math.fround : (x: number) => x;
  const shrink = 1 - lr * weightDecay;
  const stepSize = lr / (1 - beta1 ** step);
  const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
  // E = 1 − M (the paper), −1 − M (the reference code's bitwise NOT on an int mask); no mask: no decay term.
  const pruned = (i: number) => (e === null ? 0 : mode === "reference-int-not" ? -1 - e[i] : 1 - e[i]);
  for (let i = 0; i < p.length; i++) {
    const old = p[i];
    const shrunk = round(old * shrink);
    if (mode === "sgd") {
      p[i] = shrunk - lr * (g[i] + decay * pruned(i) * shrunk);
      continue;
    }
    if (mode === "decoupled" || mode === "reference-int-not") {
      mu[i] = beta1 * mu[i] + (1 - beta1) * g[i];
      const u = round(mu[i] + decay * pruned(i) * shrunk);
      nu[i] = beta2 * nu[i] + (1 - beta2) * u * u;
      p[i] = shrunk - (stepSize * u) / (Math.sqrt(nu[i]) / bc2Sqrt + eps);
      continue;
    }
    // textbook, or gradient mode: g + λ(1−M)⊙p with p before this step's weight decay.
    const gi = mode === "gradient" ? round(g[i] + decay * pruned(i) * old) : g[i];
    mu[i] = beta1 * mu[i] + (1 - beta1) * gi;
    nu[i] = beta2 * nu[i] + (1 - beta2) * gi * gi;
    p[i] = shrunk - (stepSize * mu[i]) / (Math.sqrt(nu[i]) / bc2Sqrt + eps);
  }
}

/** Fill: every element of `out` set to `value` (rounded to its dtype as a typed-array store rounds). */
export function fill(out: Info, _inputs: readonly Info[], { value }: { value: number }): void {
  out.handle.fill(value);
}
