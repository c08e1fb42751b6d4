import type { LineChartSpec, LineSeries } from "./chart-spec.js";
import type { GroupedMetrics } from "./group-runs.js";
import { SET_DASHES, TEACHER_COLOR, runColors } from "./palette.js";

/** Log scale once values span more than this factor: early perplexity is often 10× the final one. */
const LOG_SPAN = 4;

/**
 * Validation perplexity over steps: one series per (run, validation set), colour by run and dash by set,
 * plus the dense teacher per set as a flat grey reference. Undefined when no run logged an evaluation.
 */
export function perplexityChart(metrics: GroupedMetrics, validationSets: readonly string[]): LineChartSpec | undefined {
  const colors = runColors(metrics.runs);
  const sets = [...validationSets];
  for (const run of metrics.runs) {
    for (const evaluation of run.evals) {
      for (const set of Object.keys(evaluation.perplexity)) if (!sets.includes(set)) sets.push(set);
    }
  }
  const series: LineSeries[] = [];
  let first = Infinity;
  let last = -Infinity;
  for (const run of metrics.runs) {
    for (const [setIndex, set] of sets.entries()) {
      const points = run.evals
        .filter((evaluation) => set in evaluation.perplexity)
        .map((evaluation): [number, number | null] => [evaluation.step, evaluation.perplexity[set] ?? null]);
      if (points.length === 0) continue;
      for (const [step] of points) {
        first = Math.min(first, step);
        last = Math.max(last, step);
      }
      series.push({
        label: `${run.run} · ${set}`,
        color: colors.get(run.run)!,
        dash: SET_DASHES[setIndex % SET_DASHES.length],
        markers: true,
        points,
      });
    }
  }
  if (series.length === 0) return undefined;
  const teacher = metrics.teacher?.perplexity ?? {};
  for (const [setIndex, set] of sets.entries()) {
    const value = teacher[set];
    if (value === undefined || value === null) continue;
    series.push({
      label: `teacher · ${set}`,
      color: TEACHER_COLOR,
      dash: SET_DASHES[setIndex % SET_DASHES.length]!.length === 0 ? [3, 3] : SET_DASHES[setIndex % SET_DASHES.length],
      width: 1.2,
      points: [
        [first, value],
        [last, value],
      ],
    });
  }
  const values = series.flatMap((entry) => entry.points.map(([, y]) => y)).filter((y): y is number => y !== null);
  const log = values.length > 0 && Math.max(...values) / Math.min(...values) > LOG_SPAN;
  return {
    kind: "line",
    id: "chart-perplexity",
    title: "Validation perplexity",
    note: `Colour: run · line style: validation set${log ? " · log scale" : ""}. Grey: dense teacher.`,
    x: { title: "step" },
    y: { title: "perplexity", log },
    series,
  };
}
