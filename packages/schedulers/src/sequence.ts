import { ConfigError } from "@adaptive-sparse/core";
import { checkStep } from "./check-step.js";
import type { Schedule } from "./types.js";

/** One piece of a {@link sequence}. */
export interface SequencePiece {
  /** The schedule for this piece; it sees the piece's local step (0 at the piece's first step). */
  readonly schedule: Schedule;
  /**
   * Length of the piece in steps (a positive integer). Required on every piece but the last; the
   * last piece may omit it and always runs on forever (its local step keeps growing past `steps`).
   */
  readonly steps?: number;
}

/**
 * Chains schedules one after another. Piece i covers `steps_i` steps and sees its own local step,
 * so a cosine written for 0…N can be dropped in after a warmup without shifting it by hand.
 *
 * @param pieces at least one piece; every piece but the last needs `steps`.
 * @returns a schedule whose value at `t` is `pieces[i].schedule(t − start_i)` for the piece containing `t`.
 * @throws ConfigError when pieces is empty, a schedule is not a function, or a length is missing or
 *   not a positive integer; ScheduleError when called with a negative or non-finite step.
 * @example
 * const lr = sequence([
 *   { schedule: linearRamp({ max: 1e-3, rampSteps: 100 }), steps: 100 },
 *   { schedule: cosine({ start: 1e-3, end: 1e-4, steps: 900 }) },
 * ]);
 * lr(100); // 1e-3: the cosine's local step 0
 */
export function sequence(pieces: readonly SequencePiece[]): Schedule {
  if (!Array.isArray(pieces) || pieces.length === 0) {
    throw new ConfigError("sequence: expected a non-empty array of { schedule, steps } pieces");
  }
  const starts: number[] = [];
  let offset = 0;
  pieces.forEach((piece, i) => {
    const last = i === pieces.length - 1;
    if (typeof piece?.schedule !== "function") {
      throw new ConfigError(`sequence: piece ${i}: schedule must be a function (step) => number, got ${typeof piece?.schedule}`);
    }
    const { steps } = piece;
    if (steps === undefined && !last) {
      throw new ConfigError(`sequence: piece ${i}: steps is required on every piece but the last (how long does it run?)`);
    }
    if (steps !== undefined && !(Number.isInteger(steps) && steps > 0)) {
      throw new ConfigError(`sequence: piece ${i}: steps must be a positive integer, got ${String(steps)}`);
    }
    starts.push(offset);
    offset += steps ?? 0;
  });
  return (step) => {
    checkStep("sequence", step);
    // Few pieces in practice, so a backwards linear scan is clearer than a binary search.
    let i = pieces.length - 1;
    while (i > 0 && step < starts[i]!) i--;
    return pieces[i]!.schedule(step - starts[i]!);
  };
}
