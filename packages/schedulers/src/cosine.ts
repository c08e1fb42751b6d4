import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import { checkStep } from "./check-step.js";
import type { Schedule, SchedulePlugin } from "./types.js";

const WHERE = 'schedule "cosine"';

/** Options of the `cosine` schedule. */
export const cosineOptions = z.strictObject({
  start: z.number().nonnegative().describe("value at step 0"),
  end: z.number().nonnegative().describe("value at step `steps` and after"),
  steps: z.number().int().positive().describe("length of the half-cosine"),
});

/** Options accepted by {@link cosine}. */
export type CosineOptions = z.input<typeof cosineOptions>;

/**
 * Half-cosine from `start` to `end` over `steps`, then `end`:
 * `end + ½(1 + cos(π·t/steps))·(start − end)` for t <= steps. Either direction works (start < end
 * gives a smooth rise).
 *
 * @param options `{ start, end, steps }`: start, end >= 0; steps a positive integer.
 * @throws ConfigError on invalid options; ScheduleError when called with a negative or non-finite step.
 * @example
 * const lr = cosine({ start: 1, end: 0, steps: 100 });
 * lr(50); // 0.5
 * lr(500); // 0
 */
export function cosine(options: CosineOptions): Schedule {
  const { start, end, steps } = validateOptions(WHERE, cosineOptions, options);
  return (step) => {
    checkStep(WHERE, step);
    if (step >= steps) return end;
    return end + 0.5 * (1 + Math.cos((Math.PI * step) / steps)) * (start - end);
  };
}

/** Registry plugin `cosine` (kind `schedule`). */
export const cosineSchedule: SchedulePlugin<CosineOptions> = {
  name: "cosine",
  apiVersion: 1,
  description: "half-cosine from start to end over steps, then end",
  options: cosineOptions,
  create: cosine,
};
