import type { ZodType } from "zod";
import type { FlipRateController } from "./flip-rate-controller.js";

/**
 * A schedule: the value (learning rate, pruned-weight decay λ, …) to use at a 0-based optimizer step.
 * Schedules are pure: the same step always gives the same value, so a resumed run needs no schedule state.
 *
 * @example
 * const lr: Schedule = warmupCosine({ max: 2e-4, min: 2e-5, warmupSteps: 2000, totalSteps: 40000 });
 * lr(1000); // 1e-4
 */
export type Schedule = (step: number) => number;

/**
 * A schedule plugin (registry kind `schedule`). `create` validates its options up front and throws a
 * `ConfigError` naming the bad option, so a typo in a training config fails before any compute starts.
 */
export interface SchedulePlugin<Options = unknown> {
  /** Registry name, kebab-case (e.g. `"warmup-cosine"`). */
  readonly name: string;
  readonly apiVersion: 1;
  /** One line for CLI help and error messages. */
  readonly description: string;
  /** The zod schema of the options (a strict object: unknown keys are errors). */
  readonly options: ZodType;
  /** Builds the schedule. @throws ConfigError on invalid options. */
  create(options: Options): Schedule;
}

/**
 * A decay-controller plugin (registry kind `decayController`): like a schedule plugin, but `create`
 * returns a stateful controller that also learns from observed mask flip rates.
 */
export interface DecayControllerPlugin<Options = unknown> {
  readonly name: string;
  readonly apiVersion: 1;
  readonly description: string;
  readonly options: ZodType;
  /** Builds a fresh controller. @throws ConfigError on invalid options. */
  create(options: Options): FlipRateController;
}

declare module "@adaptive-sparse/core" {
  interface PluginKinds {
    schedule: SchedulePlugin;
    decayController: DecayControllerPlugin;
  }
}
