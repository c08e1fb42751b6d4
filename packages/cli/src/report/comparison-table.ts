import { teacherRow } from "../run-results.js";
import { formatCount, formatDuration, formatPerplexity } from "./format.js";
import { escapeHtml } from "./html-escape.js";
import type { Results } from "./results-schema.js";

/**
 * The final comparison as an HTML table: one row per method, `mean ± spread` per validation set (the lowest
 * mean of each set is marked) with the ratio to the dense teacher's perplexity under it where the run has a
 * teacher row, the KL(teacher ‖ model) per set where it was measured, wall time and tokens.
 */
export function comparisonTable(results: Results): string {
  const sets = results.validationSets;
  const teacher = teacherRow(results.rows);
  const klSets = sets.filter((set) => results.rows.some((row) => row.kl?.[set] !== undefined));
  const best = new Map<string, number>();
  for (const set of sets) {
    const means = results.rows.map((row) => row.perplexity[set]?.mean).filter((mean): mean is number => mean !== undefined);
    if (means.length > 0) best.set(set, Math.min(...means));
  }
  const head = [
    `<th scope="col">Method</th>`,
    `<th scope="col">Trained</th>`,
    `<th scope="col" class="num">Seeds</th>`,
    ...sets.map((set) => `<th scope="col" class="num">${escapeHtml(set)} <span class="unit">PPL${teacher ? " (× teacher)" : ""}</span></th>`),
    ...klSets.map((set) => `<th scope="col" class="num">${escapeHtml(set)} <span class="unit">KL(teacher ‖ model)</span></th>`),
    `<th scope="col" class="num">Wall time</th>`,
    `<th scope="col" class="num">Tokens</th>`,
  ].join("");
  const body = results.rows
    .map((row) => {
      const cells = sets.map((set) => {
        const entry = row.perplexity[set];
        if (entry === undefined) return `<td class="num muted">–</td>`;
        const spread = entry.spread > 0 ? ` <span class="spread">± ${formatPerplexity(entry.spread)}</span>` : "";
        const reference = teacher?.perplexity[set]?.mean;
        const gap = reference && row !== teacher ? `<br><span class="spread" title="perplexity ÷ the dense teacher's">× ${(entry.mean / reference).toFixed(3)}</span>` : "";
        const mark = entry.mean === best.get(set) ? ` class="num best" title="lowest ${escapeHtml(set)} perplexity"` : ` class="num"`;
        return `<td${mark}>${formatPerplexity(entry.mean)}${spread}${gap}</td>`;
      });
      const kl = klSets.map((set) => {
        const entry = row.kl?.[set];
        if (entry === undefined) return `<td class="num muted">–</td>`;
        return `<td class="num">${entry.mean.toFixed(4)}${entry.spread > 0 ? ` <span class="spread">± ${entry.spread.toFixed(4)}</span>` : ""}</td>`;
      });
      return [
        `<tr>`,
        `<th scope="row">${escapeHtml(row.label)}<span class="method-key">${escapeHtml(row.method)}</span></th>`,
        `<td>${row.trained ? `<span class="pill pill-yes">trained</span>` : `<span class="pill">one-shot</span>`}</td>`,
        `<td class="num">${row.seeds}</td>`,
        ...cells,
        ...kl,
        `<td class="num">${row.wallSeconds > 0 ? formatDuration(row.wallSeconds) : "–"}</td>`,
        `<td class="num">${row.tokens > 0 ? formatCount(row.tokens) : "–"}</td>`,
        `</tr>`,
      ].join("");
    })
    .join("\n");
  return `<table class="data-table" id="comparison-table"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}
