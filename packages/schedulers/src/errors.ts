import { SparseError } from "@adaptive-sparse/core";

/**
 * Misuse of a schedule or controller at run time: a negative or non-finite step, a flip rate outside
 * [0, 1], observations out of step order, or a checkpoint state that does not fit. Invalid *options*
 * throw core's `ConfigError` instead, when the schedule is created.
 */
export class ScheduleError extends SparseError {
  constructor(message: string) {
    super("E_SCHEDULE", message);
  }
}
