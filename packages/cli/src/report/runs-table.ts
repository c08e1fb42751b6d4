import { formatCount, formatDuration, formatPerplexity } from "./format.js";
import type { GroupedMetrics } from "./group-runs.js";
import { escapeHtml } from "./html-escape.js";

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * One row per training run: method, seed, steps, last total loss, last validation perplexity per set,
 * tokens, median throughput, elapsed time and whether a `done` record arrived; then each run's config.
 */
export function runsTable(metrics: GroupedMetrics, validationSets: readonly string[]): string {
  const columns: Array<[string, boolean]> = [
    ["Run", false],
    ["Method", false],
    ["Seed", true],
    ["Steps", true],
    ["Final loss", true],
    ...validationSets.map((set): [string, boolean] => [`${escapeHtml(set)} PPL`, true]),
    ["Tokens", true],
    ["Tokens/s", true],
    ["Elapsed", true],
    ["Status", false],
  ];
  const head = columns.map(([title, numeric]) => `<th scope="col"${numeric ? ` class="num"` : ""}>${title}</th>`).join("");
  const rows = metrics.runs.map((run) => {
    const last = run.steps[run.steps.length - 1];
    const lastEval = (set: string): string => {
      for (let index = run.evals.length - 1; index >= 0; index--) {
        const value = run.evals[index]!.perplexity[set];
        if (value !== undefined && value !== null) return formatPerplexity(value);
      }
      return "–";
    };
    const throughput = median(run.steps.map((step) => step.tokensPerSecond).filter((rate) => rate > 0));
    const status = run.done ? `<span class="pill pill-yes">done</span>` : `<span class="pill pill-warn">incomplete</span>`;
    return [
      `<tr><th scope="row">${escapeHtml(run.run)}</th>`,
      `<td>${escapeHtml(run.method)}</td>`,
      `<td class="num">${run.seed ?? "–"}</td>`,
      `<td class="num">${last ? last.step : "–"}</td>`,
      `<td class="num">${last && last.loss !== null ? last.loss.toFixed(3) : "–"}</td>`,
      ...validationSets.map((set) => `<td class="num">${lastEval(set)}</td>`),
      `<td class="num">${last ? formatCount(last.tokens) : "–"}</td>`,
      `<td class="num">${throughput === undefined ? "–" : formatCount(throughput)}</td>`,
      `<td class="num">${last ? formatDuration(last.elapsed) : "–"}</td>`,
      `<td>${status}</td></tr>`,
    ].join("");
  });
  const configs = metrics.runs
    .filter((run) => Object.keys(run.config).length > 0)
    .map(
      (run) =>
        `<details><summary>${escapeHtml(run.run)} configuration</summary><pre>${escapeHtml(JSON.stringify(run.config, null, 2))}</pre></details>`,
    )
    .join("\n");
  return `<table class="data-table" id="runs-table"><thead><tr>${head}</tr></thead><tbody>\n${rows.join("\n")}\n</tbody></table>\n${configs}`;
}
