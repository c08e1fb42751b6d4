import { teacherRow } from "../run-results.js";
import type { BarChartSpec } from "./chart-spec.js";
import { SET_COLORS } from "./palette.js";
import type { Results } from "./results-schema.js";

/**
 * The final result per method: one bar group per results row, one dataset per validation set, the spread
 * over seeds as a whisker. With a dense-teacher row the bars are each method's gap to it (perplexity ÷ the
 * teacher's, per set), so sets of very different perplexity share one scale; otherwise the perplexity.
 * Undefined when results.json has no rows.
 */
export function finalBarChart(results: Results): BarChartSpec | undefined {
  if (results.rows.length === 0) return undefined;
  const teacher = teacherRow(results.rows);
  const scale = (set: string) => (teacher ? teacher.perplexity[set]?.mean ?? null : 1);
  const ratio = (value: number | undefined, set: string) => {
    const by = scale(set);
    return value === undefined || by === null ? null : value / by;
  };
  return {
    kind: "bar",
    id: "chart-final-perplexity",
    title: teacher ? "Gap to the dense teacher per method" : "Final perplexity per method",
    note: teacher
      ? "Perplexity ÷ the dense teacher's on each set (1 = no loss), mean over seeds; whiskers show the spread. Lower is better."
      : "Mean over seeds; whiskers show the spread. Lower is better.",
    categories: results.rows.map((row) => row.label),
    y: { title: teacher ? "perplexity ÷ teacher" : "perplexity" },
    series: results.validationSets.map((set, index) => ({
      label: set,
      color: SET_COLORS[index % SET_COLORS.length]!,
      values: results.rows.map((row) => ratio(row.perplexity[set]?.mean, set)),
      errors: results.rows.map((row) => ratio(row.perplexity[set]?.spread, set)),
    })),
  };
}
