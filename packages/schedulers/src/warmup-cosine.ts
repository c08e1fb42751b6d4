import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import { checkStep } from "./check-step.js";
import type { Schedule, SchedulePlugin } from "./types.js";

const WHERE = 'schedule "warmup-cosine"';

/** Options of the `warmup-cosine` schedule (method.md §3.7 names in brackets). */
export const warmupCosineOptions = z
  .strictObject({
    max: z.number().nonnegative().describe("peak value reached at warmupSteps [lrmax]"),
    min: z.number().nonnegative().describe("value at decaySteps, where the cosine ends [lrmin]"),
    warmupSteps: z.number().int().nonnegative().describe("length of the linear warmup from 0 [Tw]"),
    decaySteps: z.number().int().positive().optional().describe("end of the cosine [Td]; defaults to totalSteps (no tail)"),
    totalSteps: z.number().int().positive().describe("last step; the linear tail reaches 0 here [Tmax]"),
  })
  .superRefine((o, ctx) => {
    const decaySteps = o.decaySteps ?? o.totalSteps;
    if (o.min > o.max) {
      ctx.addIssue({ code: "custom", path: ["min"], message: `must be <= max (${o.max}), got ${o.min}; swap min and max` });
    }
    if (o.decaySteps !== undefined && o.decaySteps > o.totalSteps) {
      ctx.addIssue({
        code: "custom",
        path: ["decaySteps"],
        message: `must be <= totalSteps (${o.totalSteps}), got ${o.decaySteps}; the cosine must end before training does`,
      });
    }
    if (o.warmupSteps >= decaySteps) {
      ctx.addIssue({
        code: "custom",
        path: ["warmupSteps"],
        message:
          `must be < ${o.decaySteps === undefined ? "totalSteps" : "decaySteps"} (${decaySteps}), got ${o.warmupSteps}; ` +
          "the warmup has to end before the cosine decay does",
      });
    }
  });

/** Options accepted by {@link warmupCosine}. */
export type WarmupCosineOptions = z.input<typeof warmupCosineOptions>;

/**
 * The GPT-2 AST learning-rate schedule (method.md §3.7, reference `get_lr`), with Tw = warmupSteps,
 * Td = decaySteps, Tmax = totalSteps:
 *
 * ```
 * lr(t) = max · t / Tw                                          t < Tw   (lr(0) = 0)
 * lr(t) = min + ½(1 + cos(π (t − Tw)/(Td − Tw))) · (max − min)  Tw ≤ t ≤ Td
 * lr(t) = min · (Tmax − t) / (Tmax − Td)                        Td < t ≤ Tmax
 * lr(t) = 0                                                     t > Tmax
 * ```
 *
 * The reference loop runs t = 0 … Tmax inclusive, so the last update uses lr 0 when there is a tail.
 * Past Tmax we return 0 where the reference formula would go negative.
 *
 * @param options `{ max, min, warmupSteps, decaySteps?, totalSteps }` with
 *   0 <= min <= max and warmupSteps < decaySteps <= totalSteps.
 * @throws ConfigError on invalid options; ScheduleError when called with a negative or non-finite step.
 * @example
 * const lr = warmupCosine({ max: 2e-4, min: 2e-5, warmupSteps: 2000, decaySteps: 38000, totalSteps: 40000 });
 * lr(1000); // 1e-4
 * lr(20000); // 1.1e-4 (half-way down the cosine)
 * lr(39000); // 1e-5 (half-way down the tail)
 */
export function warmupCosine(options: WarmupCosineOptions): Schedule {
  const { max, min, warmupSteps, decaySteps, totalSteps } = validateOptions(WHERE, warmupCosineOptions, options);
  const tw = warmupSteps;
  const td = decaySteps ?? totalSteps;
  const tmax = totalSteps;
  return (step) => {
    checkStep(WHERE, step);
    if (step < tw) return (max * step) / tw;
    if (step <= td) {
      const progress = (step - tw) / (td - tw); // in [0, 1]; td > tw is validated above
      return min + 0.5 * (1 + Math.cos(Math.PI * progress)) * (max - min);
    }
    // Only reachable when tmax > td, so the division is safe.
    if (step <= tmax) return (min * (tmax - step)) / (tmax - td);
    return 0;
  };
}

/** Registry plugin `warmup-cosine` (kind `schedule`). */
export const warmupCosineSchedule: SchedulePlugin<WarmupCosineOptions> = {
  name: "warmup-cosine",
  apiVersion: 1,
  description: "linear warmup to max, cosine to min at decaySteps, linear tail to 0 at totalSteps (AST GPT-2 LR)",
  options: warmupCosineOptions,
  create: warmupCosine,
};
