import { slug, type LineChartSpec, type LineSeries } from "./chart-spec.js";
import { downsample } from "./downsample.js";
import type { GroupedMetrics, RunSeries } from "./group-runs.js";
import type { StepEvent } from "./metrics-schema.js";
import { LOSS_COLORS, TEACHER_COLOR } from "./palette.js";

function lossSeries(
  steps: readonly StepEvent[],
  label: string,
  color: string,
  pick: (step: StepEvent) => number | null | undefined,
): LineSeries | undefined {
  // A part that was never logged (no KL without a teacher) is left out rather than drawn as an empty line.
  if (!steps.some((step) => pick(step) !== undefined && pick(step) !== null)) return undefined;
  const points = downsample(steps).map((step): [number, number | null] => [step.step, pick(step) ?? null]);
  return { label, color, width: label === "total" ? 2 : 1.5, points };
}

function lossChart(run: RunSeries, teacherTask: number | undefined, id: string): LineChartSpec {
  const steps = run.steps;
  const series = [
    lossSeries(steps, "total", LOSS_COLORS.total, (step) => step.loss),
    lossSeries(steps, "task", LOSS_COLORS.task, (step) => step.losses.task),
    lossSeries(steps, "KL", LOSS_COLORS.kl, (step) => step.losses.kl),
    // The layerwise (SquareHead) term only appears in runs that use it (method.md §4.2).
    lossSeries(steps, "layerwise", LOSS_COLORS.layerwise, (step) => step.losses.layerwise || undefined),
  ].filter((entry): entry is LineSeries => entry !== undefined);
  if (teacherTask !== undefined) {
    const first = steps[0]!.step;
    const last = steps[steps.length - 1]!.step;
    series.push({
      label: "teacher task",
      color: TEACHER_COLOR,
      dash: [6, 4],
      width: 1.5,
      points: [
        [first, teacherTask],
        [last, teacherTask],
      ],
    });
  }
  const seed = run.seed === undefined ? "" : `, seed ${run.seed}`;
  return {
    kind: "line",
    id,
    title: run.run,
    note: `${run.method}${seed} · ${steps.length} logged steps`,
    x: { title: "step" },
    y: { title: "loss" },
    series,
  };
}

/**
 * One loss chart per run that logged steps: total, task and KL (and layerwise when used), with the dense
 * teacher's task loss as a dashed reference when metrics.jsonl gives it.
 */
export function lossCharts(metrics: GroupedMetrics): LineChartSpec[] {
  const teacherTask = metrics.teacher?.losses?.task;
  const used = new Set<string>();
  return metrics.runs
    .filter((run) => run.steps.length > 0)
    .map((run) => {
      let id = `chart-loss-${slug(run.run)}`;
      for (let suffix = 2; used.has(id); suffix++) id = `chart-loss-${slug(run.run)}-${suffix}`;
      used.add(id);
      return lossChart(run, teacherTask, id);
    });
}
