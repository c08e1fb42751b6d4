import type { Registry } from "@adaptive-sparse/core";
import { constantSchedule } from "./constant.js";
import { cosineSchedule } from "./cosine.js";
import { flipTargetController } from "./flip-rate-controller.js";
import { linearRampSchedule } from "./linear-ramp.js";
import { relativeRampSchedule } from "./relative-ramp.js";
import { stepSchedule } from "./step-decay.js";
import type { DecayControllerPlugin, SchedulePlugin } from "./types.js";
import { warmupCosineSchedule } from "./warmup-cosine.js";

/** Every schedule plugin this package provides (registry kind `schedule`). */
export const schedulePlugins: readonly SchedulePlugin<never>[] = [
  constantSchedule,
  stepSchedule,
  cosineSchedule,
  linearRampSchedule,
  relativeRampSchedule,
  warmupCosineSchedule,
];

/** Every decay-controller plugin this package provides (registry kind `decayController`). */
export const decayControllerPlugins: readonly DecayControllerPlugin<never>[] = [flipTargetController];

/**
 * Registers this package's plugins: the schedules under kind `schedule` (`constant`, `step`, `cosine`,
 * `linear-ramp`, `relative-ramp`, `warmup-cosine`) and the `flip-target` controller under kind
 * `decayController`. Nothing registers on import; call this once on your registry.
 *
 * @throws DuplicatePluginError when one of the names is already registered under that kind.
 * @example
 * const registry = createRegistry();
 * registerSchedules(registry);
 * const lr = registry.get("schedule", "warmup-cosine").create({ max: 1e-3, min: 1e-4, warmupSteps: 100, totalSteps: 1000 });
 */
export function registerSchedules(registry: Registry): void {
  for (const plugin of schedulePlugins) registry.register("schedule", plugin.name, plugin as SchedulePlugin);
  for (const plugin of decayControllerPlugins) registry.register("decayController", plugin.name, plugin as DecayControllerPlugin);
}
