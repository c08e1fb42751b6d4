/**
 * The run report: read a run folder (metrics.jsonl, results.json, masks.json), validate it, and render one
 * self-contained report.html with Chart.js inlined. The folder contract is in README.md.
 */
export { readRun } from "./read-run.js";
export type { RunData } from "./read-run.js";
export { renderReport } from "./render-report.js";
export { writeReport } from "./write-report.js";
export { RunFolderError } from "./run-folder-error.js";
export { parseMetrics } from "./parse-metrics.js";
export type { LocatedEvent } from "./parse-metrics.js";
export { groupRuns } from "./group-runs.js";
export type { GroupedMetrics, RunSeries } from "./group-runs.js";
export { metricsEventSchema, METRICS_EVENT_TYPES } from "./metrics-schema.js";
export type { MetricsEvent, StartEvent, StepEvent, RefreshEvent, EvalEvent, DoneEvent, TeacherEvent } from "./metrics-schema.js";
export { resultsSchema, resultRowSchema } from "./results-schema.js";
export type { Results, ResultRow } from "./results-schema.js";
export { masksSchema, maskLayerSchema } from "./masks-schema.js";
export type { Masks, MaskLayer } from "./masks-schema.js";
export type { ChartSpec, LineChartSpec, BarChartSpec, LineSeries, BarSeries, AxisSpec } from "./chart-spec.js";
