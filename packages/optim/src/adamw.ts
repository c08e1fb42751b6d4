import type { Tensor } from "@adaptive-sparse/core";
import { adamwGroupResolver, type AdamWGroup, type AdamWOptions } from "./adamw-options.js";
import { adamwUpdate, type AdamWSlotState } from "./adamw-update.js";
import { MaskedOptimizer, type ResolvedStep } from "./optimizer-base.js";
import type { GroupInput } from "./param-groups.js";
import { arrayKey, checkStateFits, takeArray, type StateMetaBase } from "./state-io.js";
import type { HostParam, OptimizerState, ParamEntry } from "./types.js";

/** A param group for {@link AdamW}: the parameters (optionally with masks) and per-group overrides. */
export interface AdamWParamGroup extends AdamWOptions {
  readonly params: readonly ParamEntry[];
}

/** The JSON part of an AdamW checkpoint. */
export interface AdamWStateMeta extends StateMetaBase<AdamWGroup> {
  readonly optimizer: "adamw";
  /** Per parameter: shape, group index and step count k (0 = never stepped, no arrays saved). */
  readonly params: { readonly shape: number[]; readonly group: number; readonly step: number }[];
}

const WHERE = "AdamW";

/**
 * AdamW with AST's pruned-weight decay (method.md §3.4). Parameters without a mask get textbook AdamW
 * (PyTorch's `torch.optim.AdamW`, weight decay applied first). Parameters with a keep-mask also get
 * λ(t) on their pruned positions, placed per `decayMode` (default `'decoupled'`: outside the first
 * moment, inside the second). State (k, μ, v) is float32 per parameter.
 *
 * The update runs on host arrays (read, update, write back into the parameter's buffer); GPU backends
 * will get a fused kernel later. Use `step()` on cpu, `await stepAsync()` on any backend.
 *
 * @example
 * const weight = randn([8, 16]).requireGrad();
 * const bias = zeros([8]).requireGrad();
 * const optimizer = new AdamW([{ params: [{ param: weight, mask }, bias] }], { weightDecay: 0.1, betas: [0.9, 0.95] });
 * // ... loss.backward(); clipGradNorm(optimizer.params, 1.0);
 * optimizer.step({ lr: lr(t), decay: decay(t) });
 * optimizer.zeroGrad();
 * @throws ConfigError on invalid options (unknown key, negative lr, β outside [0, 1)), a duplicated parameter.
 */
export class AdamW extends MaskedOptimizer<AdamWGroup> {
  #state: (AdamWSlotState | null)[];

  constructor(params: readonly ParamEntry[] | readonly AdamWParamGroup[], options: AdamWOptions = {}) {
    super(WHERE, params as readonly (GroupInput & object)[], adamwGroupResolver(options));
    this.#state = this.slots.map(() => null);
  }

  protected update(index: number, host: HostParam, step: ResolvedStep): void {
    const slot = this.slots[index];
    const size = host.values.length;
    const state = (this.#state[index] ??= { step: 0, firstMoment: new Float32Array(size), secondMoment: new Float32Array(size) });
    adamwUpdate(host, state, slot.group, slot.param.rank, step.lr ?? slot.group.lr, step.decay);
  }

  /** The step count k of a parameter (0 before its first update). */
  stepCount(param: Tensor): number {
    const index = this.slots.findIndex((slot) => slot.param === param);
    return this.#state[index]?.step ?? 0;
  }

  /**
   * A copy of the optimizer state for checkpoints: JSON `meta` (groups, shapes, step counts) and float32
   * arrays `params.<i>.exp_avg`, `params.<i>.exp_avg_sq`. `loadState(state())` restores it exactly.
   */
  state(): OptimizerState<AdamWStateMeta> {
    const arrays: Record<string, Float32Array> = {};
    const params = this.slots.map((slot, i) => {
      const state = this.#state[i];
      if (state) {
        arrays[arrayKey(i, "exp_avg")] = new Float32Array(state.firstMoment);
        arrays[arrayKey(i, "exp_avg_sq")] = new Float32Array(state.secondMoment);
      }
      return { shape: [...slot.param.shape], group: slot.groupIndex, step: state?.step ?? 0 };
    });
    const groups = this.groups.map((group) => ({ ...group, betas: [...group.betas] as [number, number] }));
    return { meta: { optimizer: "adamw", version: 1, groups, params }, arrays };
  }

  /**
   * Restores a state saved by {@link AdamW.state} (group hyperparameters, step counts and moments).
   * Masks are not part of it: they belong to the model.
   * @throws OptimError when the state does not fit (other optimizer, parameter count or shapes).
   */
  loadState(state: OptimizerState<AdamWStateMeta>): void {
    const where = `${WHERE}.loadState`;
    checkStateFits(where, "adamw", state, this.slots.map((slot) => slot.param.shape), this.groups.length);
    const restored = state.meta.params.map((saved, i) => {
      if (!(saved.step > 0)) return null;
      const size = this.slots[i].param.size;
      return { step: saved.step, firstMoment: takeArray(where, state, i, "exp_avg", size), secondMoment: takeArray(where, state, i, "exp_avg_sq", size) };
    });
    state.meta.groups.forEach((group, i) => Object.assign(this.groups[i], { ...group, betas: [...group.betas] }));
    this.#state = restored;
  }
}
