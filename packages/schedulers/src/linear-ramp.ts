import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import { checkStep } from "./check-step.js";
import type { Schedule, SchedulePlugin } from "./types.js";

const WHERE = 'schedule "linear-ramp"';

/** Options of the `linear-ramp` schedule. */
export const linearRampOptions = z.strictObject({
  max: z.number().nonnegative().describe("λmax, the plateau reached at rampSteps (GPT-2 recipe: 1e-4)"),
  rampSteps: z.number().int().nonnegative().describe("T₀, the step where the ramp ends (GPT-2 recipe: 10000)"),
});

/** Options accepted by {@link linearRamp}. */
export type LinearRampOptions = z.input<typeof linearRampOptions>;

/**
 * Fraction of a linear 0→1 ramp reached at `step`: `min(step / rampSteps, 1)`; 1 everywhere when
 * `rampSteps` is 0 (no ramp). Shared by every ramp-shaped decay in this package.
 * @internal
 */
export function rampFraction(step: number, rampSteps: number): number {
  return step < rampSteps ? step / rampSteps : 1;
}

/**
 * AST's annealed SR-STE decay (method.md §3.3, §3.6; reference `get_decay`):
 * `λmax · t / T₀` for t < T₀, then `λmax`. A weak decay early lets the mask explore; the full decay
 * later freezes it. Recipes: GPT-2 `{ max: 1e-4, rampSteps: 10000 }`; LLaMA2-7B
 * `{ max: 6e-5, rampSteps: 3000 }` (2e-8 per batch).
 *
 * @param options `{ max, rampSteps }`: max >= 0; rampSteps a non-negative integer (0 = constant max).
 * @throws ConfigError on invalid options; ScheduleError when called with a negative or non-finite step.
 * @example
 * const decay = linearRamp({ max: 1e-4, rampSteps: 10000 });
 * decay(0); // 0
 * decay(5000); // 5e-5
 * decay(20000); // 1e-4
 */
export function linearRamp(options: LinearRampOptions): Schedule {
  const { max, rampSteps } = validateOptions(WHERE, linearRampOptions, options);
  return (step) => {
    checkStep(WHERE, step);
    return max * rampFraction(step, rampSteps);
  };
}

/** Registry plugin `linear-ramp` (kind `schedule`). */
export const linearRampSchedule: SchedulePlugin<LinearRampOptions> = {
  name: "linear-ramp",
  apiVersion: 1,
  description: "AST's annealed decay: max · step / rampSteps, then max",
  options: linearRampOptions,
  create: linearRamp,
};
