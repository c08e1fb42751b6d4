import { ConfigError, Tensor, formatShape } from "@adaptive-sparse/core";
import { checkMaskTensor, collectSlots, type GroupInput, type Slot } from "./param-groups.js";
import { readHostAsync, readHostSync, writeParam } from "./host-io.js";
import type { HostParam, MaskSource, ParamEntry, StepOptions } from "./types.js";

/** The step values an update sees, already validated. */
export interface ResolvedStep {
  /** Learning rate override for every group, or undefined to use each group's own `lr`. */
  readonly lr: number | undefined;
  readonly decay: number;
}

/**
 * Shared machinery of the optimizers: parameter groups, per-parameter masks, gradient reads and
 * write-back. Subclasses implement {@link MaskedOptimizer.update} on host arrays.
 */
export abstract class MaskedOptimizer<Group extends { lr: number }> {
  /** Resolved hyperparameters per group (mutable, like PyTorch's `param_groups`). */
  readonly groups: Group[];
  protected readonly slots: Slot<Group>[];
  readonly #where: string;

  protected constructor(where: string, input: readonly ParamEntry[] | readonly (GroupInput & object)[], resolveGroup: (overrides: object, index: number) => Group) {
    this.#where = where;
    const { groups, slots } = collectSlots(where, input, resolveGroup);
    this.groups = groups;
    this.slots = slots;
  }

  /** Every parameter, in group order (the order that indexes the checkpoint state). */
  get params(): Tensor[] {
    return this.slots.map((slot) => slot.param);
  }

  #slotOf(param: Tensor): Slot<Group> {
    const slot = this.slots.find((candidate) => candidate.param === param);
    if (!slot) throw new ConfigError(`${this.#where}: parameter ${Tensor.isTensor(param) ? formatShape(param.shape) : String(param)} is not one of this optimizer's parameters; pass it in the constructor's params`);
    return slot;
  }

  /**
   * Sets (or, with `null`, removes) the keep-mask of a parameter: a u8 tensor of its shape, 1 = kept,
   * or a function returning the mask in force. Masked parameters get the pruned-weight decay.
   * @throws ConfigError for a parameter this optimizer does not own; DTypeError/ShapeError for a bad mask.
   */
  setMask(param: Tensor, mask: MaskSource | null): void {
    const slot = this.#slotOf(param);
    if (mask) checkMaskTensor(this.#where, param, mask);
    slot.mask = mask ?? null;
  }

  /** The mask source registered for `param`, or null. */
  maskOf(param: Tensor): MaskSource | null {
    return this.#slotOf(param).mask;
  }

  /** Disposes and clears every parameter's gradient (like `optimizer.zero_grad(set_to_none=True)`). */
  zeroGrad(): void {
    for (const slot of this.slots) slot.param.zeroGrad();
  }

  #resolveStep(options: StepOptions): ResolvedStep {
    const { lr, decay = 0 } = options ?? {};
    if (lr !== undefined && !(Number.isFinite(lr) && lr >= 0)) throw new ConfigError(`${this.#where}.step: lr must be a finite number >= 0, got ${lr}`);
    if (!(Number.isFinite(decay) && decay >= 0)) throw new ConfigError(`${this.#where}.step: decay (λ(t)) must be a finite number >= 0, got ${decay}`);
    return { lr, decay };
  }

  /**
   * One update of every parameter that has a gradient (parameters without one are skipped, as in
   * PyTorch). Needs a backend with synchronous reads (cpu); use {@link MaskedOptimizer.stepAsync} elsewhere.
   * @param options `{ lr?, decay? }`: lr replaces every group's lr for this step; decay is λ(t).
   * @throws BackendError on a backend without sync reads; ConfigError for a bad lr/decay.
   */
  step(options: StepOptions = {}): void {
    const resolved = this.#resolveStep(options);
    this.slots.forEach((slot, index) => {
      const host = readHostSync(this.#where, slot);
      if (!host) return;
      this.update(index, host, resolved);
      writeParam(slot.param, host.values);
    });
  }

  /** {@link MaskedOptimizer.step} for any backend (reads are awaited). */
  async stepAsync(options: StepOptions = {}): Promise<void> {
    const resolved = this.#resolveStep(options);
    for (let index = 0; index < this.slots.length; index++) {
      const slot = this.slots[index];
      const host = await readHostAsync(this.#where, slot);
      if (!host) continue;
      this.update(index, host, resolved);
      writeParam(slot.param, host.values);
    }
  }

  /** Updates `host.values` in place for slot `index`. */
  protected abstract update(index: number, host: HostParam, step: ResolvedStep): void;
}

/** `Math.fround` for f32 parameters (so intermediate values round as PyTorch's in-place f32 ops do). */
export function rounderFor(values: Float32Array | Float64Array): (x: number) => number {
  return values instanceof Float32Array ? Math.fround : (x) => x;
}
