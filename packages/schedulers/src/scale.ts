import { ConfigError } from "@adaptive-sparse/core";
import type { Schedule } from "./types.js";

/**
 * Multiplies a schedule by a constant factor, e.g. to reuse one LR shape at a different peak, or to
 * turn a unit-peak ramp into a decay of the right strength.
 *
 * @param schedule the schedule to scale.
 * @param factor a finite number >= 0.
 * @throws ConfigError when schedule is not a function or factor is negative or not finite.
 * @example
 * const lr = scale(cosine({ start: 1, end: 0.1, steps: 1000 }), 3e-4);
 * lr(0); // 3e-4
 */
export function scale(schedule: Schedule, factor: number): Schedule {
  if (typeof schedule !== "function") {
    throw new ConfigError(`scale: schedule must be a function (step) => number, got ${typeof schedule}`);
  }
  if (typeof factor !== "number" || !Number.isFinite(factor) || factor < 0) {
    throw new ConfigError(`scale: factor must be a finite number >= 0, got ${String(factor)}`);
  }
  // The wrapped schedule validates the step itself.
  return (step) => schedule(step) * factor;
}
