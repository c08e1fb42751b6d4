import { ConfigError, add, cast, keep, mul, noGrad, sub, tidy, validateOptions, type Tensor } from "@adaptive-sparse/core";
import { z } from "zod";
import { assignInPlace } from "./device-io.js";
import { MaskedOptimizer, type DeviceParam, type ResolvedStep } from "./optimizer-base.js";
import type { GroupInput } from "./param-groups.js";
import { arrayKey, checkStateFits, readArrays, stateTensor, takeArray, type StateMetaBase } from "./state-io.js";
import type { OptimizerState, ParamEntry } from "./types.js";

/** SGD hyperparameters (all optional; defaults in {@link SGD_DEFAULTS}); also settable per param group. */
export const sgdOptions = z.strictObject({
  lr: z.number().nonnegative().describe("learning rate (a step's `lr` replaces it)"),
  momentum: z.number().min(0).describe("momentum factor (0 = plain SGD)"),
  dampening: z.number().min(0).max(1).describe("dampening of the momentum"),
  nesterov: z.boolean().describe("Nesterov momentum (needs momentum > 0 and dampening 0)"),
  weightDecay: z.number().nonnegative().describe("L2 penalty added to the gradient"),
  weightDecayMinRank: z.number().int().nonnegative().describe("weight decay only on parameters of at least this rank"),
}).partial();

/** Options accepted by the {@link SGD} constructor and by each of its param groups. */
export type SGDOptions = z.input<typeof sgdOptions>;

/** Resolved hyperparameters of one SGD param group. */
export interface SGDGroup {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  weightDecayMinRank: number;
}

/** PyTorch's SGD defaults (lr 1e-3 as there is no natural one), weight decay on ≥2-D parameters only. */
export const SGD_DEFAULTS: Readonly<SGDGroup> = Object.freeze({ lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, weightDecayMinRank: 2 });

/** A param group for {@link SGD}. */
export interface SGDParamGroup extends SGDOptions {
  readonly params: readonly ParamEntry[];
}

/** The JSON part of an SGD checkpoint. */
export interface SGDStateMeta extends StateMetaBase<SGDGroup> {
  readonly optimizer: "sgd";
  /** `hasBuffer`: whether a momentum buffer was saved for the parameter. */
  readonly params: { readonly shape: number[]; readonly group: number; readonly hasBuffer: boolean }[];
}

const WHERE = "SGD";

function resolver(options: SGDOptions): (overrides: object, index: number) => SGDGroup {
  const clean = (value: object) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
  const base = { ...SGD_DEFAULTS, ...clean(validateOptions("SGD options", sgdOptions, options)) };
  return (overrides, index) => {
    const group: SGDGroup = { ...base, ...clean(validateOptions(`SGD param group ${index}`, sgdOptions, overrides)) };
    if (group.nesterov && (group.momentum <= 0 || group.dampening !== 0)) {
      throw new ConfigError(`SGD param group ${index}: nesterov needs momentum > 0 and dampening 0 (got momentum ${group.momentum}, dampening ${group.dampening})`);
    }
    return group;
  };
}

/**
 * Stochastic gradient descent with optional momentum (PyTorch's `torch.optim.SGD` semantics), plus
 * SR-STE's pruned-weight decay on masked parameters (method.md §3.3, Eq. 3): the step direction is
 * `d = g + wd·p + λ(t)·(1−M)⊙p`, then `buf ← momentum·buf + (1−dampening)·d` (buf = d at first),
 * `p ← p − lr·buf` (or `d + momentum·buf` with Nesterov).
 *
 * @example
 * const optimizer = new SGD([{ param: weight, mask }], { momentum: 0.9 });
 * optimizer.step({ lr: 0.1, decay: 2e-4 });
 * @throws ConfigError on invalid options.
 */
export class SGD extends MaskedOptimizer<SGDGroup> {
  /** Momentum buffers on each parameter's backend (null before the first step or without momentum). */
  #buffers: (Tensor | null)[];

  constructor(params: readonly ParamEntry[] | readonly SGDParamGroup[], options: SGDOptions = {}) {
    super(WHERE, params as readonly (GroupInput & object)[], resolver(options));
    this.#buffers = this.slots.map(() => null);
  }

  protected update(index: number, { param, grad, mask }: DeviceParam, step: ResolvedStep): void {
    const { group } = this.slots[index];
    const lr = step.lr ?? group.lr;
    const weightDecay = param.rank >= group.weightDecayMinRank ? group.weightDecay : 0;
    const previous = this.#buffers[index];
    // Device ops in f32, one rounding per op as PyTorch's in-place f32 ops; nothing is read back.
    const [next, buffer] = noGrad(() =>
      tidy(() => {
        let direction = weightDecay ? add(grad, mul(param, weightDecay)) : grad;
        if (mask && step.decay) direction = add(direction, mul(mul(sub(1, cast(mask, param.dtype)), param), step.decay));
        let buf: Tensor | null = null;
        if (group.momentum !== 0) {
          buf = previous ? add(mul(previous, group.momentum), mul(direction, 1 - group.dampening)) : add(direction, 0);
          direction = group.nesterov ? add(direction, mul(buf, group.momentum)) : buf;
        }
        return [sub(param, mul(direction, lr)), buf] as const;
      }),
    );
    assignInPlace(param, next);
    if (buffer) {
      if (previous) assignInPlace(previous, buffer);
      else this.#buffers[index] = keep(buffer);
    }
  }

  /** A copy of the state for checkpoints, read from the device: JSON `meta` and float32 arrays `params.<i>.momentum_buffer`. */
  async state(): Promise<OptimizerState<SGDStateMeta>> {
    const entries: [string, Tensor][] = [];
    const params = this.slots.map((slot, i) => {
      const buffer = this.#buffers[i];
      if (buffer) entries.push([arrayKey(i, "momentum_buffer"), buffer]);
      return { shape: [...slot.param.shape], group: slot.groupIndex, hasBuffer: buffer !== null };
    });
    return { meta: { optimizer: "sgd", version: 1, groups: this.groups.map((group) => ({ ...group })), params }, arrays: await readArrays(entries) };
  }

  /**
   * Restores a state saved by {@link SGD.state} (buffers written to each parameter's backend).
   * @throws OptimError when the state does not fit this optimizer's parameters.
   */
  loadState(state: OptimizerState<SGDStateMeta>): void {
    const where = `${WHERE}.loadState`;
    checkStateFits(where, "sgd", state, this.slots.map((slot) => slot.param.shape), this.groups.length);
    const arrays = state.meta.params.map((saved, i) => (saved.hasBuffer ? takeArray(where, state, i, "momentum_buffer", this.slots[i].param.size) : null));
    this.dispose();
    this.#buffers = arrays.map((data, i) => (data ? stateTensor(this.slots[i].param, data) : null));
    state.meta.groups.forEach((group, i) => Object.assign(this.groups[i], group));
  }

  dispose(): void {
    for (const buffer of this.#buffers) buffer?.dispose();
    this.#buffers = this.slots.map(() => null);
  }
}
