import { DistillError } from "./errors.js";
import type { LossInputs } from "./types.js";

/** The named input, or a DistillError saying which loss needed it. */
export function requireInput<K extends keyof LossInputs>(loss: string, inputs: LossInputs, key: K): NonNullable<LossInputs[K]> {
  const value = inputs?.[key];
  if (value === undefined || value === null) {
    throw new DistillError(`loss "${loss}": input "${key}" is missing; pass it in the loss inputs ({ studentLogits, teacherLogits, targets, studentHidden, teacherHidden })`);
  }
  return value as NonNullable<LossInputs[K]>;
}
