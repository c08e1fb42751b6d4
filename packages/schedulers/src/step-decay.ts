import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import { checkStep } from "./check-step.js";
import type { Schedule, SchedulePlugin } from "./types.js";

const WHERE = 'schedule "step"';

/** Options of the `step` schedule. */
export const stepDecayOptions = z.strictObject({
  value: z.number().nonnegative().describe("the value for steps 0 … stepSize-1"),
  gamma: z.number().positive().describe("multiplier applied every stepSize steps (e.g. 0.1)"),
  stepSize: z.number().int().positive().describe("steps between two multiplications"),
});

/** Options accepted by {@link stepDecay}. */
export type StepDecayOptions = z.input<typeof stepDecayOptions>;

/**
 * Piecewise-constant decay: `value · gamma^floor(step / stepSize)` (PyTorch's `StepLR`).
 *
 * @param options `{ value, gamma, stepSize }`: value >= 0, gamma > 0, stepSize a positive integer.
 * @throws ConfigError on invalid options; ScheduleError when called with a negative or non-finite step.
 * @example
 * const lr = stepDecay({ value: 1, gamma: 0.5, stepSize: 10 });
 * lr(9); // 1
 * lr(10); // 0.5
 */
export function stepDecay(options: StepDecayOptions): Schedule {
  const { value, gamma, stepSize } = validateOptions(WHERE, stepDecayOptions, options);
  return (step) => {
    checkStep(WHERE, step);
    return value * gamma ** Math.floor(step / stepSize);
  };
}

/** Registry plugin `step` (kind `schedule`). */
export const stepSchedule: SchedulePlugin<StepDecayOptions> = {
  name: "step",
  apiVersion: 1,
  description: "value · gamma^floor(step / stepSize)",
  options: stepDecayOptions,
  create: stepDecay,
};
