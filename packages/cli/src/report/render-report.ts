import { basename } from "node:path";
import { chartLibrarySource } from "./chart-library.js";
import type { ChartSpec } from "./chart-spec.js";
import { comparisonTable } from "./comparison-table.js";
import { finalBarChart } from "./final-bar-chart.js";
import { flipChart } from "./flip-chart.js";
import { formatDuration, formatPerplexity } from "./format.js";
import { escapeHtml, jsonForScript } from "./html-escape.js";
import { lossCharts } from "./loss-charts.js";
import { maskPictures, maskSection } from "./mask-section.js";
import { perplexityChart } from "./perplexity-chart.js";
import type { RunData } from "./read-run.js";
import { REPORT_CLIENT_SCRIPT } from "./report-client.js";
import { REPORT_STYLES } from "./report-styles.js";
import { runsTable } from "./runs-table.js";
import { scheduleChart } from "./schedule-chart.js";

type ChartSize = "small" | "normal" | "tall";

function chartCard(spec: ChartSpec | undefined, size: ChartSize, missing: string): string {
  if (spec === undefined) return `<p class="empty">${escapeHtml(missing)}</p>`;
  return [
    `<figure class="card chart-card">`,
    `<header><h3>${escapeHtml(spec.title)}</h3><p>${escapeHtml(spec.note)}</p></header>`,
    `<div class="chart-box ${size}"><canvas id="${spec.id}" data-kind="chartjs" data-series="${spec.series.length}"`,
    ` role="img" aria-label="${escapeHtml(spec.title)}"></canvas></div>`,
    `</figure>`,
  ].join("");
}

function section(id: string, title: string, note: string, body: string): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2><p class="section-note">${escapeHtml(note)}</p>\n${body}\n</section>`;
}

function machineText(machine: RunData["results"]["machine"]): string {
  if (typeof machine === "string") return machine;
  return Object.entries(machine)
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(" · ");
}

function header(run: RunData): string {
  const { results, metrics } = run;
  const firstSet = results.validationSets[0]!;
  const teacher = metrics.teacher?.perplexity[firstSet];
  const ranked = results.rows
    .filter((row) => row.perplexity[firstSet] !== undefined)
    .sort((a, b) => a.perplexity[firstSet]!.mean - b.perplexity[firstSet]!.mean);
  const wall = results.rows.reduce((sum, row) => sum + row.wallSeconds, 0);
  const stats: Array<[string, string]> = [
    [String(metrics.runs.length), "training runs"],
    [String(results.rows.length), "methods compared"],
  ];
  if (teacher !== undefined && teacher !== null) stats.push([formatPerplexity(teacher), `dense teacher · ${firstSet} PPL`]);
  if (ranked.length > 0) {
    stats.push([formatPerplexity(ranked[0]!.perplexity[firstSet]!.mean), `lowest ${firstSet} PPL · ${ranked[0]!.label}`]);
  }
  stats.push([formatDuration(wall), "total wall time"]);
  const created = Number.isNaN(Date.parse(results.createdAt)) ? results.createdAt : new Date(results.createdAt).toISOString().replace("T", " ").slice(0, 16) + " UTC";
  return [
    `<header class="page-head"><div class="inner">`,
    `<p class="eyebrow">adaptive-sparse · run report</p>`,
    `<h1>${escapeHtml(results.title)}</h1>`,
    `<ul class="meta"><li>created <b>${escapeHtml(created)}</b></li><li>machine <b>${escapeHtml(machineText(results.machine))}</b></li>`,
    `<li>folder <b>${escapeHtml(basename(run.folder))}</b></li><li>validation sets <b>${escapeHtml(results.validationSets.join(", "))}</b></li></ul>`,
    `<div class="stats">${stats.map(([value, label]) => `<div class="stat"><div class="value">${escapeHtml(value)}</div><div class="label">${escapeHtml(label)}</div></div>`).join("")}</div>`,
    `</div></header>`,
  ].join("\n");
}

/**
 * Renders a validated run folder as one self-contained HTML page: inline CSS, the Chart.js UMD build and
 * the chart data inlined, nothing fetched. Every chart canvas has a stable `id` and `data-series` (the
 * number of datasets it must show) so a browser test can check it.
 */
export function renderReport(run: RunData): string {
  const { metrics, results } = run;
  const bar = finalBarChart(results);
  const perplexity = perplexityChart(metrics, results.validationSets);
  const losses = lossCharts(metrics);
  const schedule = scheduleChart(metrics);
  const flips = flipChart(metrics);
  const charts = [bar, perplexity, ...losses, schedule, flips].filter((spec): spec is ChartSpec => spec !== undefined);
  const masks = run.masks === undefined ? [] : maskPictures(run.masks);
  const library = chartLibrarySource();
  const version = /Chart\.js v([\d.]+)/.exec(library)?.[1] ?? "4";
  const body = [
    section(
      "comparison",
      "Final comparison",
      "Perplexity of every method on each validation set (mean over seeds, ± spread).",
      `<div class="grid grid-compare">${chartCard(bar, "tall", "results.json has no rows.")}` +
        `<figure class="card"><header><h3>Comparison table</h3><p>Lowest perplexity per set highlighted.</p></header><div class="table-wrap">${comparisonTable(results)}</div></figure></div>`,
    ),
    section("perplexity", "Validation perplexity", "Evaluated during training.", chartCard(perplexity, "tall", "No run logged an evaluation.")),
    section(
      "losses",
      "Training loss",
      "Per run: total loss and its parts, with the dense teacher's task loss as a dashed reference.",
      losses.length === 0 ? `<p class="empty">No run logged a step.</p>` : `<div class="grid">${losses.map((spec) => chartCard(spec, "small", "")).join("\n")}</div>`,
    ),
    section(
      "schedules",
      "Schedules and mask dynamics",
      "Learning rate, the decay on pruned weights, and how often masks change.",
      `<div class="grid grid-two">${chartCard(schedule, "normal", "No run logged a step.")}${chartCard(flips, "normal", "No run changed its mask (no refresh with flips).")}</div>`,
    ),
    section("masks", "Mask pictures", "Which weights survive in a slice of a few layers of the AST-Boosted model.", maskSection(run.masks)),
    section("runs", "Training runs", "Last logged values of each run in metrics.jsonl.", `<div class="card table-wrap">${runsTable(metrics, results.validationSets)}</div>`),
  ].join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(results.title)} · run report</title>
<style>${REPORT_STYLES}</style>
</head>
<body>
${header(run)}
<main>
${body}
<footer>Generated by adaptive-sparse from ${escapeHtml(run.folder)}. Charts by Chart.js ${escapeHtml(version)}, inlined: this file needs no network.</footer>
</main>
<script type="application/json" id="report-data">${jsonForScript({ charts, masks })}</script>
<script>${library}</script>
<script>${REPORT_CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
