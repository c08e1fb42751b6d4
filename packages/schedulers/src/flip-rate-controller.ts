import { NonFiniteError, validateOptions } from "@adaptive-sparse/core";
import { checkStep } from "./check-step.js";
import { ScheduleError } from "./errors.js";
import {
  flipRateControllerOptions,
  flipRateControllerState,
  type FlipRateControllerOptions,
  type FlipRateControllerState,
} from "./flip-rate-controller-options.js";
import { rampFraction } from "./linear-ramp.js";
import type { DecayControllerPlugin } from "./types.js";

const WHERE = 'decay controller "flip-target"';

/** What one `observe` call decided (handy for logging). */
export interface FlipRateDecision {
  readonly step: number;
  readonly flipRate: number;
  /** Target flip rate at this step. */
  readonly target: number;
  /** `raise`: above target; `lower`: below lowerBelow·target; `hold`: in the band, or in cooldown. */
  readonly action: "raise" | "lower" | "hold";
  /** Plateau λ after the decision (clamped to [minLambda, maxLambda]). */
  readonly lambda: number;
}

/**
 * A stateful pruned-weight decay that steers λ by the observed mask flip rate. Not a pure schedule:
 * `value(step)` depends on what `observe` has seen, so save `state()` in checkpoints and `restore` it.
 */
export interface FlipRateController {
  /** λ to use at `step`: `rampFraction(step) · plateau λ`. */
  value(step: number): number;
  /** Target flip rate at `step`. */
  target(step: number): number;
  /**
   * Reports the flip ratio measured at a mask refresh (flips vs the previous mask / prunable weights,
   * method.md §3.10) and adjusts the plateau λ. Steps must strictly increase.
   */
  observe(step: number, flipRate: number): FlipRateDecision;
  /** Plain-JSON checkpoint state. */
  state(): FlipRateControllerState;
  /** Restores a state from `state()` (same options expected). */
  restore(state: FlipRateControllerState): void;
}

/**
 * Creates the `flip-target` decay controller (tracker issue 5). The paper's λmax = 1e-4 is tuned to
 * GPT-2 124M's gradient scale and is ~1000× too weak on a 0.8M-parameter model, so the mask never
 * settles. The maintainer's tuning advice is to watch the flip rate (method.md §3.6); this automates it:
 *
 * - λ(t) follows AST's linear ramp (§3.6) up to a plateau λ, starting at `initialLambda`;
 * - the target flip rate falls linearly from `startFlipRate` at step 0 to `endFlipRate` at
 *   `settleFraction · totalSteps`, then stays there;
 * - at each observed refresh: flip rate > target → plateau ×`up`; flip rate < `lowerBelow`·target →
 *   plateau ×`down` (gently, so a mask that has settled is not shaken loose); otherwise hold;
 *   at most one change per `cooldownSteps`; the plateau is clamped to [minLambda, maxLambda].
 *
 * Early in training λ is small whatever the plateau, so a flip rate above target there cannot be fixed
 * by λ; set `startFlipRate` at or above the flip rate of the first refreshes (or use `cooldownSteps`)
 * so the plateau does not wind up to `maxLambda` during the ramp.
 *
 * @param options see {@link flipRateControllerOptions}.
 * @throws ConfigError on invalid options.
 * @example
 * const decay = createFlipRateController({
 *   initialLambda: 1e-4, rampSteps: 1000, totalSteps: 4000, startFlipRate: 0.05, endFlipRate: 0.002,
 * });
 * const lambda = decay.value(10); // use in the optimizer step
 * decay.observe(10, 0.031); // after the mask refresh of step 10
 */
export function createFlipRateController(options: FlipRateControllerOptions): FlipRateController {
  const o = validateOptions(WHERE, flipRateControllerOptions, options);
  const minLambda = o.minLambda ?? o.initialLambda / 100;
  const maxLambda = o.maxLambda ?? o.initialLambda * 1e4;
  const settleStep = o.settleFraction * o.totalSteps;
  let current: FlipRateControllerState = { lambda: o.initialLambda, lastObservedStep: null, lastChangeStep: null };

  const target = (step: number): number => {
    checkStep(WHERE, step);
    const progress = Math.min(step / settleStep, 1);
    return o.startFlipRate + (o.endFlipRate - o.startFlipRate) * progress;
  };

  return {
    value(step) {
      checkStep(WHERE, step);
      return current.lambda * rampFraction(step, o.rampSteps);
    },
    target,
    observe(step, flipRate) {
      checkStep(WHERE, step);
      if (typeof flipRate !== "number" || Number.isNaN(flipRate) || !Number.isFinite(flipRate)) {
        throw new NonFiniteError(`${WHERE}: observe(${step}, flipRate): flipRate must be finite, got ${String(flipRate)}`);
      }
      if (flipRate < 0 || flipRate > 1) {
        throw new ScheduleError(
          `${WHERE}: observe(${step}, ${flipRate}): flipRate must be a ratio in [0, 1] (flips / prunable weights), not a count or a percentage`,
        );
      }
      if (current.lastObservedStep !== null && step <= current.lastObservedStep) {
        throw new ScheduleError(
          `${WHERE}: observe(${step}) after observe(${current.lastObservedStep}); steps must strictly increase ` +
            "(when resuming, create the controller and restore() the checkpoint's state())",
        );
      }
      const goal = target(step);
      const cooling = current.lastChangeStep !== null && step - current.lastChangeStep < o.cooldownSteps;
      let action: FlipRateDecision["action"] = "hold";
      if (!cooling && flipRate > goal) action = "raise";
      else if (!cooling && flipRate < o.lowerBelow * goal) action = "lower";
      let { lambda, lastChangeStep } = current;
      if (action !== "hold") {
        const factor = action === "raise" ? o.up : o.down;
        lambda = Math.min(maxLambda, Math.max(minLambda, lambda * factor));
        lastChangeStep = step;
      }
      current = { lambda, lastObservedStep: step, lastChangeStep };
      return { step, flipRate, target: goal, action, lambda };
    },
    state() {
      return { ...current };
    },
    restore(state) {
      const parsed = flipRateControllerState.safeParse(state);
      if (!parsed.success) {
        throw new ScheduleError(
          `${WHERE}: restore: not a controller state (${parsed.error.issues.map((i) => `${i.path.join(".") || "(state)"}: ${i.message}`).join("; ")}); pass the object state() returned`,
        );
      }
      const next = parsed.data;
      if (next.lambda < minLambda || next.lambda > maxLambda) {
        throw new ScheduleError(
          `${WHERE}: restore: lambda ${next.lambda} is outside [minLambda, maxLambda] = [${minLambda}, ${maxLambda}]; ` +
            "restore with the options the checkpoint was made with",
        );
      }
      current = { ...next };
    },
  };
}

/** Registry plugin `flip-target` (kind `decayController`). */
export const flipTargetController: DecayControllerPlugin<FlipRateControllerOptions> = {
  name: "flip-target",
  apiVersion: 1,
  description: "AST decay ramp whose plateau λ is raised/lowered to keep the mask flip rate on a falling target",
  options: flipRateControllerOptions,
  create: createFlipRateController,
};
