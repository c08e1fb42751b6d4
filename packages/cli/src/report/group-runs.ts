import type { LocatedEvent } from "./parse-metrics.js";
import type { DoneEvent, EvalEvent, RefreshEvent, StepEvent, TeacherEvent } from "./metrics-schema.js";

/** Everything metrics.jsonl says about one training run, in logging order. */
export interface RunSeries {
  run: string;
  /** From the start record; the run name when the start record is missing. */
  method: string;
  seed: number | undefined;
  config: Record<string, unknown>;
  steps: StepEvent[];
  refreshes: RefreshEvent[];
  evals: EvalEvent[];
  done: DoneEvent | undefined;
}

/** Runs in order of first appearance, plus the teacher reference if one was logged. */
export interface GroupedMetrics {
  runs: RunSeries[];
  teacher: TeacherEvent | undefined;
}

/** Splits the event stream by its `run` field; a later teacher record replaces an earlier one. */
export function groupRuns(events: readonly LocatedEvent[]): GroupedMetrics {
  const byName = new Map<string, RunSeries>();
  let teacher: TeacherEvent | undefined;
  const series = (run: string): RunSeries => {
    let entry = byName.get(run);
    if (entry === undefined) {
      entry = { run, method: run, seed: undefined, config: {}, steps: [], refreshes: [], evals: [], done: undefined };
      byName.set(run, entry);
    }
    return entry;
  };
  for (const { event } of events) {
    switch (event.type) {
      case "teacher":
        teacher = event;
        break;
      case "start": {
        const entry = series(event.run);
        entry.method = event.method;
        entry.seed = event.seed;
        entry.config = event.config;
        break;
      }
      case "step":
        series(event.run).steps.push(event);
        break;
      case "refresh":
        series(event.run).refreshes.push(event);
        break;
      case "eval":
        series(event.run).evals.push(event);
        break;
      case "done":
        series(event.run).done = event;
        break;
      case "calibration":
      case "checkpoint":
        break; // how far calibration got, where a run can resume from: nothing to draw
      default:
        event satisfies never;
    }
  }
  return { runs: [...byName.values()], teacher };
}
