// One run-folder format: the rows of results.json and the mask slices of masks.json come from the CLI,
// which writes the same files for `adaptive-sparse prune`, so `adaptive-sparse report` renders both.
import type { ResultRow } from "@adaptive-sparse/cli";

export { aggregate, maskSlices } from "@adaptive-sparse/cli";
export type { ResultRow, RunOutcome } from "@adaptive-sparse/cli";

/** The comparison table as markdown (printed at the end of the run and pasted into the README). */
export function formatTable(rows: readonly ResultRow[], sets: readonly string[]): string {
  const header = `| method | seeds | ${sets.map((s) => `${s} PPL`).join(" | ")} | wall s | tokens |`;
  const rule = `| --- | --- | ${sets.map(() => "---").join(" | ")} | --- | --- |`;
  const lines = rows.map((row) => {
    const cells = sets.map((s) => {
      const { mean, spread } = row.perplexity[s];
      return row.seeds > 1 ? `${mean.toFixed(2)} ± ${spread.toFixed(2)}` : mean.toFixed(2);
    });
    return `| ${row.label} | ${row.seeds} | ${cells.join(" | ")} | ${row.wallSeconds.toFixed(1)} | ${row.tokens ? Math.round(row.tokens) : "-"} |`;
  });
  return [header, rule, ...lines].join("\n");
}
