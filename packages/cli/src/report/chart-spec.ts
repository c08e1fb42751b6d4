/**
 * Plain-JSON chart descriptions. Node builds them from the run folder; the page script turns each into a
 * Chart.js config (functions such as tick formatters cannot travel as JSON, so they live in the page).
 */

/** How an axis is titled and scaled. `format` picks the page's tick formatter. */
export interface AxisSpec {
  title: string;
  log?: boolean;
  format?: "number" | "percent" | "scientific";
}

/** One line; points are `[x, y]` with `y = null` for a gap (a diverged value). */
export interface LineSeries {
  label: string;
  color: string;
  dash?: number[];
  width?: number;
  axis?: "y" | "y2";
  /** Draw a dot at each point (for sparse series such as evaluations). */
  markers?: boolean;
  points: Array<[number, number | null]>;
}

/** A line chart over training steps. */
export interface LineChartSpec {
  kind: "line";
  id: string;
  title: string;
  note: string;
  x: AxisSpec;
  y: AxisSpec;
  y2?: AxisSpec;
  series: LineSeries[];
}

/** One bar per category; `errors[i]` is drawn as a ± whisker and shown in the tooltip. */
export interface BarSeries {
  label: string;
  color: string;
  values: Array<number | null>;
  errors: Array<number | null>;
}

/** A grouped bar chart (categories along x, one series per group member). */
export interface BarChartSpec {
  kind: "bar";
  id: string;
  title: string;
  note: string;
  categories: string[];
  y: AxisSpec;
  series: BarSeries[];
}

/** Any chart the report draws with Chart.js. */
export type ChartSpec = LineChartSpec | BarChartSpec;

/** Lowercase kebab-case id fragment from any name ("h.0.mlp.c_fc" → "h-0-mlp-c-fc"). */
export function slug(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return cleaned === "" ? "x" : cleaned;
}
