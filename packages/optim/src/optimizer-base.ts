import { ConfigError, Tensor, formatShape } from "@adaptive-sparse/core";
import { checkGrad } from "./device-io.js";
import { checkMaskTensor, collectSlots, resolveMask, type GroupInput, type Slot } from "./param-groups.js";
import type { MaskSource, ParamEntry, StepOptions } from "./types.js";

/** The step values an update sees, already validated. */
export interface ResolvedStep {
  /** Learning rate override for every group, or undefined to use each group's own `lr`. */
  readonly lr: number | undefined;
  readonly decay: number;
}

/** What an update of one parameter gets: the parameter, its gradient and its keep-mask, all on its backend. */
export interface DeviceParam {
  readonly param: Tensor;
  readonly grad: Tensor;
  /** u8, 1 = kept, 0 = pruned (values are not checked: that would need a device read); null when unmasked. */
  readonly mask: Tensor | null;
}

/**
 * Shared machinery of the optimizers: parameter groups and per-parameter masks. Subclasses implement
 * {@link MaskedOptimizer.update} with device ops on the parameter's backend (no host reads).
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
   * PyTorch). Runs on the parameters' backend without reading anything back, so it works on every
   * backend (GPU ones included) and returns as soon as the work is queued.
   * @param options `{ lr?, decay? }`: lr replaces every group's lr for this step; decay is λ(t).
   * @throws ConfigError for a bad lr/decay; ShapeError/DTypeError for a gradient or mask that does not fit.
   */
  step(options: StepOptions = {}): void {
    const resolved = this.#resolveStep(options);
    this.slots.forEach((slot, index) => {
      const grad = slot.param.grad;
      if (!grad) return;
      checkGrad(this.#where, slot.param, grad);
      this.update(index, { param: slot.param, grad, mask: resolveMask(this.#where, slot) }, resolved);
    });
  }

  /** The same as {@link MaskedOptimizer.step} (kept for callers written when updates read the host). */
  async stepAsync(options: StepOptions = {}): Promise<void> {
    this.step(options);
  }

  /** Updates slot `index` in place on its backend. */
  protected abstract update(index: number, target: DeviceParam, step: ResolvedStep): void;

  /** Frees the optimizer's state tensors (moments, momentum buffers); the optimizer starts afresh after. */
  abstract dispose(): void;
}
