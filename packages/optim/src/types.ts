import type { Tensor } from "@adaptive-sparse/core";

/**
 * Where AST's pruned-weight decay λ(t) enters the update of a masked parameter (method.md §3.4.2):
 *
 * - `'decoupled'` (default): the paper's intent. The decay `d = λ·(1−M)⊙p` stays out of the first
 *   moment (μ averages the loss gradient only); `u = μ + d` is the update and feeds the second moment.
 * - `'gradient'`: `g ← g + λ·(1−M)⊙p` before the step, then plain AdamW (the LLaMA pipeline, §3.5).
 * - `'sgd'`: the literal Eq. 3, `p ← p − lr·(g + λ·(1−M)⊙p)`, without Adam moments (for unit tests).
 * - `'reference-int-not'`: `'decoupled'` with `E = −1 − M` instead of `1 − M`, reproducing the published
 *   GPT-2 code's bitwise NOT on an int mask (§3.4.1). Only for parity tests; it pushes every weight
 *   away from zero.
 */
export type DecayMode = "decoupled" | "gradient" | "sgd" | "reference-int-not";

/** Every {@link DecayMode}, in documentation order. */
export const DECAY_MODES: readonly DecayMode[] = ["decoupled", "gradient", "sgd", "reference-int-not"];

/**
 * A keep-mask for one parameter: a u8 tensor of the parameter's shape (1 = kept, 0 = pruned), or a
 * function returning the mask in force (so a layer that replaces its mask tensor at every refresh can
 * be wired once: `{ param: layer.weight, mask: () => layer.mask }`). A function may return `null`
 * (no mask: plain AdamW for that parameter).
 */
export type MaskSource = Tensor | (() => Tensor | null);

/** One entry of a parameter group: a tensor, or a tensor with its keep-mask. */
export type ParamEntry = Tensor | { readonly param: Tensor; readonly mask?: MaskSource | null };

/** What every step call may set. */
export interface StepOptions {
  /** Learning rate for this step; replaces every group's `lr` (as a scheduler setting all groups would). */
  readonly lr?: number;
  /** λ(t), the pruned-weight decay for this step (method.md §3.6); 0 when omitted. Masked params only. */
  readonly decay?: number;
}

/**
 * A checkpointable optimizer state: `meta` is plain JSON, `arrays` holds the float32 state tensors keyed
 * `params.<index>.<name>` (parameter index in group order). Save both; `loadState` restores exactly.
 */
export interface OptimizerState<Meta = unknown> {
  readonly meta: Meta;
  readonly arrays: Readonly<Record<string, Float32Array>>;
}
