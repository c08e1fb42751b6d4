import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import { checkStep } from "./check-step.js";
import type { Schedule, SchedulePlugin } from "./types.js";

const WHERE = 'schedule "constant"';

/** Options of the `constant` schedule. */
export const constantOptions = z.strictObject({
  value: z.number().nonnegative().describe("the value at every step"),
});

/** Options accepted by {@link constant}. */
export type ConstantOptions = z.input<typeof constantOptions>;

/**
 * The same value at every step (e.g. a fixed LR, or a fixed SR-STE decay as in plain SR-STE).
 *
 * @param options `{ value }`, value >= 0.
 * @returns a schedule returning `value` for every step >= 0.
 * @throws ConfigError on invalid options; ScheduleError when called with a negative or non-finite step.
 * @example
 * constant({ value: 3e-4 })(123); // 3e-4
 */
export function constant(options: ConstantOptions): Schedule {
  const { value } = validateOptions(WHERE, constantOptions, options);
  return (step) => {
    checkStep(WHERE, step);
    return value;
  };
}

/** Registry plugin `constant` (kind `schedule`). */
export const constantSchedule: SchedulePlugin<ConstantOptions> = {
  name: "constant",
  apiVersion: 1,
  description: "the same value at every step",
  options: constantOptions,
  create: constant,
};
