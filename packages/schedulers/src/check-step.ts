import { ScheduleError } from "./errors.js";

/**
 * Rejects steps a schedule cannot mean: steps are 0-based optimizer-step indices, so negative, NaN
 * or infinite values are caller bugs (often an uninitialised counter) and must not silently give an LR.
 * Fractional steps are allowed; they are handy for continuity checks and cost nothing.
 */
export function checkStep(where: string, step: number): void {
  if (typeof step !== "number" || !Number.isFinite(step) || step < 0) {
    throw new ScheduleError(
      `${where}: step must be a finite number >= 0 (the 0-based optimizer step), got ${String(step)}; check the step counter passed in`,
    );
  }
}
