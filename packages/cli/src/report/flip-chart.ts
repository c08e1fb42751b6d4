import type { LineChartSpec, LineSeries } from "./chart-spec.js";
import type { GroupedMetrics } from "./group-runs.js";
import { runColors } from "./palette.js";

/**
 * Mask flip rate at each refresh (method.md §3.10): the share of prunable weights whose keep bit changed
 * since the previous refresh (solid, left axis) and since the initial mask (dashed, right axis). Runs whose
 * ratios are all zero (fixed masks) are named in the note instead of drawn as flat lines. Undefined when no
 * run changed its mask.
 */
export function flipChart(metrics: GroupedMetrics): LineChartSpec | undefined {
  const colors = runColors(metrics.runs);
  const series: LineSeries[] = [];
  const fixed: string[] = [];
  for (const run of metrics.runs) {
    if (run.refreshes.length === 0) continue;
    if (run.refreshes.every((refresh) => refresh.ratioPrevious === 0 && refresh.ratioInitial === 0)) {
      fixed.push(run.run);
      continue;
    }
    const color = colors.get(run.run)!;
    series.push(
      {
        label: `${run.run} · vs previous`,
        color,
        width: 2,
        points: run.refreshes.map((refresh): [number, number] => [refresh.step, refresh.ratioPrevious]),
      },
      {
        label: `${run.run} · vs initial`,
        color,
        dash: [6, 4],
        width: 2,
        axis: "y2",
        points: run.refreshes.map((refresh): [number, number] => [refresh.step, refresh.ratioInitial]),
      },
    );
  }
  if (series.length === 0) return undefined;
  const fixedNote = fixed.length > 0 ? ` No flips (fixed mask): ${fixed.join(", ")}.` : "";
  return {
    kind: "line",
    id: "chart-flip-rate",
    title: "Mask flip rate",
    note: `Share of prunable weights whose mask bit changed. Solid: since the previous refresh (left axis). Dashed: since the initial mask (right axis).${fixedNote}`,
    x: { title: "step" },
    y: { title: "vs previous", format: "percent" },
    y2: { title: "vs initial", format: "percent" },
    series,
  };
}
