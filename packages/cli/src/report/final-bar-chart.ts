import type { BarChartSpec } from "./chart-spec.js";
import { SET_COLORS } from "./palette.js";
import type { Results } from "./results-schema.js";

/**
 * Final perplexity per method: one bar group per results row, one dataset per validation set, the spread
 * over seeds as a whisker. Undefined when results.json has no rows.
 */
export function finalBarChart(results: Results): BarChartSpec | undefined {
  if (results.rows.length === 0) return undefined;
  return {
    kind: "bar",
    id: "chart-final-perplexity",
    title: "Final perplexity per method",
    note: "Mean over seeds; whiskers show the spread. Lower is better.",
    categories: results.rows.map((row) => row.label),
    y: { title: "perplexity" },
    series: results.validationSets.map((set, index) => ({
      label: set,
      color: SET_COLORS[index % SET_COLORS.length]!,
      values: results.rows.map((row) => row.perplexity[set]?.mean ?? null),
      errors: results.rows.map((row) => row.perplexity[set]?.spread ?? null),
    })),
  };
}
