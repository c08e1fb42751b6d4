// One run-folder format: the rows of results.json and the mask slices of masks.json come from the CLI,
// which writes the same files for `adaptive-sparse prune`, so `adaptive-sparse report` renders both.
import { teacherRow, type ResultRow } from "@adaptive-sparse/cli";

export { aggregate, maskSlices } from "@adaptive-sparse/cli";
export type { ResultRow, RunOutcome } from "@adaptive-sparse/cli";

const meanSpread = ({ mean, spread }: { mean: number; spread: number }, seeds: number, digits: number) =>
  seeds > 1 ? `${mean.toFixed(digits)} ± ${spread.toFixed(digits)}` : mean.toFixed(digits);

/**
 * The comparison table as markdown (printed at the end of the run and pasted into the README): per validation
 * set the perplexity and its ratio to the dense teacher's (the gap), then the mean per-token KL(teacher ‖ model)
 * averaged over the sets.
 */
export function formatTable(rows: readonly ResultRow[], sets: readonly string[]): string {
  const teacher = teacherRow(rows);
  const header = `| method | seeds | ${sets.map((s) => `${s} PPL | ×teacher`).join(" | ")} | KL nats/token | wall s | tokens |`;
  const rule = `| --- | --- | ${sets.map(() => "---: | ---:").join(" | ")} | ---: | ---: | ---: |`;
  const lines = rows.map((row) => {
    const cells = sets.map((s) => {
      const reference = teacher?.perplexity[s]?.mean;
      const gap = reference ? (row.perplexity[s]!.mean / reference).toFixed(3) : "-";
      return `${meanSpread(row.perplexity[s]!, row.seeds, 2)} | ${gap}`;
    });
    const kl = row.kl ? (sets.reduce((a, s) => a + row.kl![s]!.mean, 0) / sets.length).toFixed(4) : "-";
    return `| ${row.label} | ${row.seeds} | ${cells.join(" | ")} | ${kl} | ${row.wallSeconds.toFixed(1)} | ${row.tokens ? Math.round(row.tokens) : "-"} |`;
  });
  return [header, rule, ...lines].join("\n");
}
