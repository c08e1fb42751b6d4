import { ConfigError, DTypeError, ShapeError, Tensor, formatShape, isFloat, shapesEqual } from "@adaptive-sparse/core";
import type { MaskSource, ParamEntry } from "./types.js";

/** One parameter as the optimizer tracks it: its resolved group and its keep-mask (if any). */
export interface Slot<Group> {
  readonly param: Tensor;
  readonly group: Group;
  readonly groupIndex: number;
  mask: MaskSource | null;
}

/** A parameter group as passed in: the tensors plus optional hyperparameter overrides. */
export interface GroupInput {
  readonly params: readonly ParamEntry[];
}

/**
 * Flattens `ParamEntry[]` (one group) or `{ params, ...overrides }[]` into slots (group order, then parameter order; this
 * order indexes the checkpoint state) and resolves each group's hyperparameters.
 * @throws ConfigError for an empty list, a non-tensor entry, a parameter listed twice, or a non-float parameter.
 */
export function collectSlots<Input extends GroupInput, Group>(
  where: string,
  input: readonly ParamEntry[] | readonly Input[],
  resolveGroup: (overrides: Omit<Input, "params">, index: number) => Group,
): { groups: Group[]; slots: Slot<Group>[] } {
  if (!Array.isArray(input) || input.length === 0) {
    throw new ConfigError(`${where}: got no parameters; pass a list of tensors or of param groups { params: [...] }`);
  }
  // A flat list of entries (tensors or { param, mask }) is one group; otherwise each item is a group.
  const isGroup = (item: unknown) => typeof item === "object" && item !== null && !Tensor.isTensor(item) && "params" in item;
  const groupInputs: readonly Input[] = input.some(isGroup) ? (input as readonly Input[]) : [{ params: input as readonly ParamEntry[] } as Input];
  const groups: Group[] = [];
  const slots: Slot<Group>[] = [];
  const seen = new Set<Tensor>();
  groupInputs.forEach((groupInput, groupIndex) => {
    if (!groupInput || !Array.isArray(groupInput.params)) {
      throw new ConfigError(`${where}: param group ${groupIndex} has no "params" list; write { params: [tensor, ...], lr?, ... }`);
    }
    const { params, ...overrides } = groupInput;
    const group = resolveGroup(overrides, groupIndex);
    groups.push(group);
    params.forEach((entry, i) => {
      const { param, mask } = Tensor.isTensor(entry) ? { param: entry, mask: null } : entry;
      if (!Tensor.isTensor(param)) {
        throw new ConfigError(`${where}: param group ${groupIndex}, entry ${i} is not a tensor (nor { param: tensor, mask? })`);
      }
      if (seen.has(param)) {
        throw new ConfigError(`${where}: parameter ${param.toString()} appears twice (param group ${groupIndex}, entry ${i}); list each parameter once`);
      }
      if (!isFloat(param.dtype)) {
        throw new DTypeError(`${where}: parameter ${param.toString()} has dtype ${param.dtype}; only f32 (or f64) parameters can be optimized`);
      }
      seen.add(param);
      if (mask) checkMaskTensor(where, param, mask);
      slots.push({ param, group, groupIndex, mask: mask ?? null });
    });
  });
  return { groups, slots };
}

/**
 * Checks a mask tensor against its parameter (a function source is checked when it is read).
 * @throws DTypeError unless the mask is u8; ShapeError unless it has the parameter's shape.
 */
export function checkMaskTensor(where: string, param: Tensor, mask: MaskSource): void {
  if (!Tensor.isTensor(mask)) {
    if (typeof mask !== "function") throw new ConfigError(`${where}: a mask must be a u8 tensor or a function returning one, got ${typeof mask}`);
    return;
  }
  if (mask.dtype !== "u8") {
    throw new DTypeError(`${where}: the mask of parameter ${formatShape(param.shape)} has dtype ${mask.dtype}; masks are u8 (1 = kept, 0 = pruned), convert with .cast("u8")`);
  }
  if (!shapesEqual(mask.shape, param.shape)) {
    throw new ShapeError(`${where}: mask ${formatShape(mask.shape)} does not match parameter ${formatShape(param.shape)}; a mask has its parameter's shape`);
  }
}

/** The mask tensor in force for a slot (calling a function source), checked, or null. */
export function resolveMask(where: string, slot: Slot<unknown>): Tensor | null {
  if (!slot.mask) return null;
  const mask = Tensor.isTensor(slot.mask) ? slot.mask : slot.mask();
  if (mask === null || mask === undefined) return null;
  if (!Tensor.isTensor(mask)) throw new ConfigError(`${where}: the mask function of parameter ${formatShape(slot.param.shape)} returned ${typeof mask}, expected a u8 tensor or null`);
  checkMaskTensor(where, slot.param, mask);
  return mask;
}
