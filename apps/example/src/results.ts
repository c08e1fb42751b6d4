import type { SparseLayerEntry } from "@adaptive-sparse/nn";

export interface RunOutcome {
  readonly method: string;
  readonly label: string;
  readonly trained: boolean;
  readonly seed: number;
  readonly perplexity: Record<string, number>;
  readonly wallSeconds: number;
  readonly tokens: number;
}

export interface ResultRow {
  method: string;
  label: string;
  trained: boolean;
  seeds: number;
  perplexity: Record<string, { mean: number; spread: number }>;
  wallSeconds: number;
  tokens: number;
}

/** Mean and spread (sample standard deviation; 0 for one seed) per method and validation set. */
export function aggregate(outcomes: readonly RunOutcome[], sets: readonly string[]): ResultRow[] {
  const methods = [...new Set(outcomes.map((o) => o.method))];
  return methods.map((method) => {
    const runs = outcomes.filter((o) => o.method === method);
    const perplexity: ResultRow["perplexity"] = {};
    for (const set of sets) {
      const values = runs.map((r) => r.perplexity[set]);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const spread = values.length > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1)) : 0;
      perplexity[set] = { mean, spread };
    }
    const meanOf = (f: (r: RunOutcome) => number) => runs.reduce((a, r) => a + f(r), 0) / runs.length;
    return { method, label: runs[0].label, trained: runs[0].trained, seeds: runs.length, perplexity, wallSeconds: meanOf((r) => r.wallSeconds), tokens: meanOf((r) => r.tokens) };
  });
}

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

/** Slices of a few layers' keep-masks for the report's mask pictures (base64 of u8 [rows, cols]). */
export function maskSlices(layers: readonly SparseLayerEntry[], rows = 32, cols = 64) {
  const picks = [layers[0], layers[Math.floor(layers.length / 2)], layers[layers.length - 1]].filter(Boolean);
  return {
    layers: picks.map(({ name, layer }) => {
      const mask = layer.mask.dataSync();
      const [height, width] = layer.mask.shape;
      const r = Math.min(rows, height);
      const c = Math.min(cols, width);
      const slice = new Uint8Array(r * c);
      for (let i = 0; i < r; i++) slice.set(mask.subarray(i * width, i * width + c), i * c);
      return { name, rows: r, cols: c, data: Buffer.from(slice).toString("base64") };
    }),
  };
}
