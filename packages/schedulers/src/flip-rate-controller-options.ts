import { z } from "zod";

/**
 * Options of the `flip-target` decay controller. Split from the controller so the schema (the
 * config surface) reads on its own.
 */
export const flipRateControllerOptions = z
  .strictObject({
    initialLambda: z.number().positive().describe("starting plateau λ of the ramp (the paper's GPT-2 value is 1e-4)"),
    rampSteps: z.number().int().nonnegative().describe("T₀: λ rises linearly from 0 to the plateau over these steps"),
    totalSteps: z.number().int().positive().describe("length of training; the target curve is laid out on it"),
    startFlipRate: z.number().min(0).max(1).describe("target flip ratio per refresh at step 0"),
    endFlipRate: z.number().positive().max(1).describe("target flip ratio per refresh from the settle point on"),
    settleFraction: z
      .number()
      .gt(0)
      .max(1)
      .default(0.5)
      .describe("fraction of totalSteps at which the target reaches endFlipRate (default 0.5)"),
    up: z.number().gt(1).default(2).describe("λ multiplier when the flip rate is above target (default 2)"),
    down: z.number().gt(0).lt(1).default(0.9).describe("λ multiplier when the flip rate is well below target (default 0.9)"),
    lowerBelow: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.5)
      .describe("'well below' means flipRate < lowerBelow · target (default 0.5); in between, λ is held"),
    minLambda: z.number().nonnegative().optional().describe("lower clamp of the plateau λ (default initialLambda / 100)"),
    maxLambda: z.number().positive().optional().describe("upper clamp of the plateau λ (default initialLambda · 1e4)"),
    cooldownSteps: z
      .number()
      .int()
      .nonnegative()
      .default(0)
      .describe("minimum steps between two λ changes, so a change can show in the flip rate first (default 0)"),
  })
  .superRefine((o, ctx) => {
    if (o.endFlipRate > o.startFlipRate) {
      ctx.addIssue({
        code: "custom",
        path: ["endFlipRate"],
        message: `must be <= startFlipRate (${o.startFlipRate}), got ${o.endFlipRate}; the target flip rate falls as the mask settles`,
      });
    }
    const min = o.minLambda ?? o.initialLambda / 100;
    const max = o.maxLambda ?? o.initialLambda * 1e4;
    if (min > max) {
      ctx.addIssue({ code: "custom", path: ["minLambda"], message: `must be <= maxLambda (${max}), got ${min}` });
    } else if (min > o.initialLambda || o.initialLambda > max) {
      ctx.addIssue({
        code: "custom",
        path: ["initialLambda"],
        message: `must lie in [minLambda, maxLambda] = [${min}, ${max}], got ${o.initialLambda}; widen the clamp or change initialLambda`,
      });
    }
    if (o.rampSteps > o.totalSteps) {
      ctx.addIssue({
        code: "custom",
        path: ["rampSteps"],
        message: `must be <= totalSteps (${o.totalSteps}), got ${o.rampSteps}; otherwise λ never reaches its plateau`,
      });
    }
  });

/** Options accepted by `createFlipRateController`. */
export type FlipRateControllerOptions = z.input<typeof flipRateControllerOptions>;

/** Checkpoint state of a flip-rate controller (plain JSON). */
export const flipRateControllerState = z.strictObject({
  /** Current plateau λ: the value the ramp rises to, already clamped. */
  lambda: z.number().nonnegative(),
  /** Step of the last `observe`, or null before the first one. */
  lastObservedStep: z.number().nonnegative().nullable(),
  /** Step of the last λ change, or null if λ never changed. */
  lastChangeStep: z.number().nonnegative().nullable(),
});

/** Checkpoint state returned by `FlipRateController.state()` and accepted by `restore()`. */
export type FlipRateControllerState = z.infer<typeof flipRateControllerState>;
