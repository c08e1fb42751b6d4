import { formatCount, formatDuration, formatPerplexity } from "./format.js";
import { escapeHtml } from "./html-escape.js";
import type { Results } from "./results-schema.js";

/**
 * The final comparison as an HTML table: one row per method, `mean ± spread` per validation set (the lowest
 * mean of each set is marked), wall time and tokens.
 */
export function comparisonTable(results: Results): string {
  const sets = results.validationSets;
  const best = new Map<string, number>();
  for (const set of sets) {
    const means = results.rows.map((row) => row.perplexity[set]?.mean).filter((mean): mean is number => mean !== undefined);
    if (means.length > 0) best.set(set, Math.min(...means));
  }
  const head = [
    `<th scope="col">Method</th>`,
    `<th scope="col">Trained</th>`,
    `<th scope="col" class="num">Seeds</th>`,
    ...sets.map((set) => `<th scope="col" class="num">${escapeHtml(set)} <span class="unit">PPL</span></th>`),
    `<th scope="col" class="num">Wall time</th>`,
    `<th scope="col" class="num">Tokens</th>`,
  ].join("");
  const body = results.rows
    .map((row) => {
      const cells = sets.map((set) => {
        const entry = row.perplexity[set];
        if (entry === undefined) return `<td class="num muted">–</td>`;
        const spread = entry.spread > 0 ? ` <span class="spread">± ${formatPerplexity(entry.spread)}</span>` : "";
        const mark = entry.mean === best.get(set) ? ` class="num best" title="lowest ${escapeHtml(set)} perplexity"` : ` class="num"`;
        return `<td${mark}>${formatPerplexity(entry.mean)}${spread}</td>`;
      });
      return [
        `<tr>`,
        `<th scope="row">${escapeHtml(row.label)}<span class="method-key">${escapeHtml(row.method)}</span></th>`,
        `<td>${row.trained ? `<span class="pill pill-yes">trained</span>` : `<span class="pill">one-shot</span>`}</td>`,
        `<td class="num">${row.seeds}</td>`,
        ...cells,
        `<td class="num">${row.wallSeconds > 0 ? formatDuration(row.wallSeconds) : "–"}</td>`,
        `<td class="num">${row.tokens > 0 ? formatCount(row.tokens) : "–"}</td>`,
        `</tr>`,
      ].join("");
    })
    .join("\n");
  return `<table class="data-table" id="comparison-table"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}
