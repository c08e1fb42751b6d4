import { validateOptions } from "@adaptive-sparse/core";
import { z } from "zod";
import { checkStep } from "./check-step.js";
import { rampFraction } from "./linear-ramp.js";
import type { Schedule, SchedulePlugin } from "./types.js";

const WHERE = 'schedule "relative-ramp"';

/** Options of the `relative-ramp` schedule. */
export const relativeRampOptions = z.strictObject({
  ratio: z
    .number()
    .nonnegative()
    .describe("decay pull / gradient pull on a typical pruned weight once the ramp is complete"),
  rampSteps: z.number().int().nonnegative().describe("T₀, the step where the ramp ends"),
  gradScale: z
    .number()
    .positive()
    .describe("reference gradient magnitude of the prunable weights, e.g. RMS of ∂L/∂W measured before training"),
  weightScale: z
    .number()
    .positive()
    .default(1)
    .describe("reference weight magnitude, e.g. RMS of the pruned weights under the first mask (default 1)"),
});

/** Options accepted by {@link relativeRamp}. */
export type RelativeRampOptions = z.input<typeof relativeRampOptions>;

/**
 * A linear decay ramp whose plateau is set relative to the model's own gradient scale, so one setting
 * transfers across model sizes (tracker issue 5: the paper's λmax = 1e-4 is tuned to GPT-2 124M's
 * gradients and is far too weak on a 0.8M-parameter model):
 *
 * ```
 * λ(t) = ratio · min(t / rampSteps, 1) · gradScale / weightScale
 * ```
 *
 * Why: the decay adds `λ·w` next to the loss gradient `g` on a pruned weight (method.md §3.3, and
 * next to the first moment in `'decoupled'` AdamW, §3.4). With `gradScale ≈ |g|` and
 * `weightScale ≈ |w|` for a typical pruned weight, `ratio` is the size of the decay's pull relative to
 * the gradient's: `ratio = 1` pulls as hard as a typical gradient pushes. The caller measures both
 * scales (this package stays pure); with `weightScale` left at 1, λ is simply `ratio · gradScale`.
 *
 * @param options `{ ratio, rampSteps, gradScale, weightScale? }`: ratio >= 0, scales > 0.
 * @throws ConfigError on invalid options; ScheduleError when called with a negative or non-finite step.
 * @example
 * const decay = relativeRamp({ ratio: 0.5, rampSteps: 1000, gradScale: 2e-3, weightScale: 0.02 });
 * decay(500); // 0.5 · 0.5 · 2e-3 / 0.02 = 0.025
 */
export function relativeRamp(options: RelativeRampOptions): Schedule {
  const { ratio, rampSteps, gradScale, weightScale } = validateOptions(WHERE, relativeRampOptions, options);
  const plateau = (ratio * gradScale) / weightScale;
  return (step) => {
    checkStep(WHERE, step);
    return plateau * rampFraction(step, rampSteps);
  };
}

/** Registry plugin `relative-ramp` (kind `schedule`). */
export const relativeRampSchedule: SchedulePlugin<RelativeRampOptions> = {
  name: "relative-ramp",
  apiVersion: 1,
  description: "linear decay ramp to ratio · gradScale / weightScale (λ relative to the gradient scale)",
  options: relativeRampOptions,
  create: relativeRamp,
};
