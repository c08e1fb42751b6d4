import { adamwStep, type Tensor } from "@adaptive-sparse/core";
import { adamwGroupResolver, type AdamWGroup, type AdamWOptions } from "./adamw-options.js";
import { MaskedOptimizer, type DeviceParam, type ResolvedStep } from "./optimizer-base.js";
import type { GroupInput } from "./param-groups.js";
import { arrayKey, checkStateFits, readArrays, stateTensor, takeArray, zeroState, type StateMetaBase } from "./state-io.js";
import type { OptimizerState, ParamEntry } from "./types.js";

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

/** Per-parameter AdamW state on the parameter's backend: k and the float32 moments μ, v (method.md §3.4.2). */
interface SlotState {
  step: number;
  readonly m: Tensor;
  readonly v: Tensor;
}

const WHERE = "AdamW";

/**
 * AdamW with AST's pruned-weight decay (method.md §3.4). Parameters without a mask get textbook AdamW
 * (PyTorch's `torch.optim.AdamW`, weight decay applied first). Parameters with a keep-mask also get
 * λ(t) on their pruned positions, placed per `decayMode` (default `'decoupled'`: outside the first
 * moment, inside the second). State (k, μ, v) is float32 per parameter, on the parameter's backend.
 *
 * Each update is core's in-place `adamwStep` (a fused kernel where the backend has one, else its
 * decomposition into primitives): nothing is read back to the host, so `step()` works on every backend.
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
  #state: (SlotState | null)[];

  constructor(params: readonly ParamEntry[] | readonly AdamWParamGroup[], options: AdamWOptions = {}) {
    super(WHERE, params as readonly (GroupInput & object)[], adamwGroupResolver(options));
    this.#state = this.slots.map(() => null);
  }

  protected update(index: number, { param, grad, mask }: DeviceParam, step: ResolvedStep): void {
    const { group } = this.slots[index];
    const state = (this.#state[index] ??= { step: 0, m: zeroState(param), v: zeroState(param) });
    state.step += 1;
    adamwStep(
      { param, m: state.m, v: state.v, grad, mask },
      {
        lr: step.lr ?? group.lr,
        beta1: group.betas[0],
        beta2: group.betas[1],
        eps: group.eps,
        weightDecay: param.rank >= group.weightDecayMinRank ? group.weightDecay : 0,
        decay: step.decay,
        step: state.step,
        mode: mask ? group.decayMode : "textbook",
      },
    );
  }

  /** The step count k of a parameter (0 before its first update). */
  stepCount(param: Tensor): number {
    const index = this.slots.findIndex((slot) => slot.param === param);
    return this.#state[index]?.step ?? 0;
  }

  /**
   * A copy of the optimizer state for checkpoints, read from the device: JSON `meta` (groups, shapes,
   * step counts) and float32 arrays `params.<i>.exp_avg`, `params.<i>.exp_avg_sq`. `loadState(await
   * state())` restores it exactly.
   */
  async state(): Promise<OptimizerState<AdamWStateMeta>> {
    const { meta, tensors } = this.stateTensors();
    return { meta, arrays: await readArrays(Object.entries(tensors)) };
  }

  /**
   * The state {@link AdamW.state} copies, with the moments as the optimizer's own device tensors under the same
   * keys (not copies: read them before the next step, do not dispose them). A checkpoint writer reads them one
   * at a time instead of holding a host copy of every moment (twice the model) at once.
   */
  stateTensors(): { meta: AdamWStateMeta; tensors: Record<string, Tensor> } {
    const tensors: Record<string, Tensor> = {};
    const params = this.slots.map((slot, i) => {
      const state = this.#state[i];
      if (state) Object.assign(tensors, { [arrayKey(i, "exp_avg")]: state.m, [arrayKey(i, "exp_avg_sq")]: state.v });
      return { shape: [...slot.param.shape], group: slot.groupIndex, step: state?.step ?? 0 };
    });
    const groups = this.groups.map((group) => ({ ...group, betas: [...group.betas] as [number, number] }));
    return { meta: { optimizer: "adamw", version: 1, groups, params }, tensors };
  }

  /**
   * Restores a state saved by {@link AdamW.state} (group hyperparameters, step counts and moments), the
   * moments written to each parameter's backend. Masks are not part of it: they belong to the model.
   * @throws OptimError when the state does not fit (other optimizer, parameter count or shapes).
   */
  loadState(state: OptimizerState<AdamWStateMeta>): void {
    const where = `${WHERE}.loadState`;
    checkStateFits(where, "adamw", state, this.slots.map((slot) => slot.param.shape), this.groups.length);
    const arrays = state.meta.params.map((saved, i) => {
      if (!(saved.step > 0)) return null;
      const size = this.slots[i].param.size;
      return { step: saved.step, m: takeArray(where, state, i, "exp_avg", size), v: takeArray(where, state, i, "exp_avg_sq", size) };
    });
    this.dispose();
    this.#state = arrays.map((saved, i) => {
      if (!saved) return null;
      const { param } = this.slots[i];
      return { step: saved.step, m: stateTensor(param, saved.m), v: stateTensor(param, saved.v) };
    });
    state.meta.groups.forEach((group, i) => Object.assign(this.groups[i], { ...group, betas: [...group.betas] }));
  }

  dispose(): void {
    for (const state of this.#state) {
      state?.m.dispose();
      state?.v.dispose();
    }
    this.#state = this.slots.map(() => null);
  }
}
