import type { LineChartSpec, LineSeries } from "./chart-spec.js";
import { downsample } from "./downsample.js";
import type { GroupedMetrics, RunSeries } from "./group-runs.js";
import { runColors } from "./palette.js";

/** "ast-boosted-s1, ast-boosted-s2, naive-s1 +2 more": names of runs that share one curve. */
function joinNames(names: readonly string[], total: number): string {
  if (names.length === total && total > 1) return "all runs";
  return names.length <= 3 ? names.join(", ") : `${names.slice(0, 3).join(", ")} +${names.length - 3} more`;
}

interface Curve {
  names: string[];
  color: string;
  points: Array<[number, number | null]>;
}

// Seeds of one method usually share a schedule: draw each distinct curve once and list the runs.
function distinctCurves(runs: readonly RunSeries[], colors: Map<string, string>, pick: "lr" | "decay"): Curve[] {
  const curves = new Map<string, Curve>();
  for (const run of runs) {
    if (run.steps.length === 0) continue;
    if (pick === "decay" && !run.steps.some((step) => (step.decay ?? 0) > 0)) continue;
    const points = downsample(run.steps).map((step): [number, number | null] => [step.step, step[pick] ?? null]);
    const key = JSON.stringify(points);
    const curve = curves.get(key);
    if (curve === undefined) curves.set(key, { names: [run.run], color: colors.get(run.run)!, points });
    else curve.names.push(run.run);
  }
  return [...curves.values()];
}

/**
 * Learning rate (left axis) and the pruned-weight decay λ(t) (right axis, dashed) over steps. Identical
 * curves are merged; runs without decay (fixed masks, dense) add no decay curve. Undefined without steps.
 */
export function scheduleChart(metrics: GroupedMetrics): LineChartSpec | undefined {
  const colors = runColors(metrics.runs);
  const lr = distinctCurves(metrics.runs, colors, "lr");
  if (lr.length === 0) return undefined;
  const decay = distinctCurves(metrics.runs, colors, "decay");
  const withSteps = metrics.runs.filter((run) => run.steps.length > 0).length;
  const series: LineSeries[] = [
    ...lr.map((curve): LineSeries => ({ label: `LR · ${joinNames(curve.names, withSteps)}`, color: curve.color, width: 2, points: curve.points })),
    ...decay.map(
      (curve): LineSeries => ({
        label: `decay · ${joinNames(curve.names, withSteps)}`,
        color: curve.color,
        dash: [6, 4],
        width: 2,
        axis: "y2",
        points: curve.points,
      }),
    ),
  ];
  return {
    kind: "line",
    id: "chart-schedule",
    title: "Learning rate and decay schedule",
    note: "Solid: learning rate (left axis). Dashed: decay λ(t) on pruned weights (right axis, method.md §3.6–3.7).",
    x: { title: "step" },
    y: { title: "learning rate", format: "scientific" },
    y2: decay.length > 0 ? { title: "decay λ", format: "scientific" } : undefined,
    series,
  };
}
