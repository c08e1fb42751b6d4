import { cpus } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "@adaptive-sparse/io";
import type { SparseLayerEntry } from "@adaptive-sparse/nn";

/**
 * The run folder's summary files, written the same way by `prune` and by the example app, so `report`
 * renders either: results.json (one row per method) and masks.json (slices of a few keep-masks).
 */

/** One finished training run (or a method without training) of a comparison. */
export interface RunOutcome {
  readonly method: string;
  readonly label: string;
  readonly trained: boolean;
  readonly seed: number;
  readonly perplexity: Record<string, number>;
  /** Mean per-token KL(teacher ‖ model) in nats per validation set, where the run measured it. */
  readonly kl?: Record<string, number>;
  readonly wallSeconds: number;
  readonly tokens: number;
}

/** One row of results.json. */
export interface ResultRow {
  method: string;
  label: string;
  trained: boolean;
  seeds: number;
  perplexity: Record<string, { mean: number; spread: number }>;
  /** KL(teacher ‖ model) per set (nats per token), when every run of the method measured it. */
  kl?: Record<string, { mean: number; spread: number }>;
  wallSeconds: number;
  tokens: number;
}

/** Mean and spread (sample standard deviation; 0 for one value). */
function meanAndSpread(values: readonly number[]): { mean: number; spread: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const spread = values.length > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, spread };
}

/** Mean and spread over seeds per method and validation set, of perplexity and (where measured) KL to the teacher. */
export function aggregate(outcomes: readonly RunOutcome[], sets: readonly string[]): ResultRow[] {
  const methods = [...new Set(outcomes.map((o) => o.method))];
  return methods.map((method) => {
    const runs = outcomes.filter((o) => o.method === method);
    const perSet = (of: (run: RunOutcome) => Record<string, number>) => Object.fromEntries(sets.map((set) => [set, meanAndSpread(runs.map((run) => of(run)[set]!))]));
    const withKL = runs.every((run) => run.kl && sets.every((set) => run.kl![set] !== undefined));
    const meanOf = (f: (r: RunOutcome) => number) => runs.reduce((a, r) => a + f(r), 0) / runs.length;
    return {
      method, label: runs[0]!.label, trained: runs[0]!.trained, seeds: runs.length,
      perplexity: perSet((run) => run.perplexity),
      ...(withKL ? { kl: perSet((run) => run.kl!) } : {}),
      wallSeconds: meanOf((r) => r.wallSeconds), tokens: meanOf((r) => r.tokens),
    };
  });
}

/** The dense teacher's row (method `dense`, not trained), the reference of every gap; undefined without one. */
export function teacherRow<Row extends Pick<ResultRow, "method" | "trained">>(rows: readonly Row[]): Row | undefined {
  return rows.find((row) => row.method === "dense" && !row.trained);
}

/**
 * Slices of a few layers' keep-masks for the report's mask pictures (base64 of u8 [rows, cols]). Reads
 * asynchronously, so it works on backends that cannot read synchronously (webgpu).
 */
export async function maskSlices(layers: readonly SparseLayerEntry[], rows = 32, cols = 64) {
  const picks = [layers[0], layers[Math.floor(layers.length / 2)], layers[layers.length - 1]].filter((entry) => entry !== undefined);
  return {
    layers: await Promise.all(picks.map(async ({ name, layer }) => {
      const mask = await layer.mask.data();
      const [height, width] = layer.mask.shape as [number, number];
      const r = Math.min(rows, height);
      const c = Math.min(cols, width);
      const slice = new Uint8Array(r * c);
      for (let i = 0; i < r; i++) slice.set(mask.subarray(i * width, i * width + c), i * c);
      return { name, rows: r, cols: c, data: Buffer.from(slice).toString("base64") };
    })),
  };
}

/** Facts about the machine for results.json. */
export function machineFacts(backend: string): Record<string, string> {
  return { cpu: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}`, backend, node: process.version };
}

/** Writes results.json (atomically; a diverged run's non-finite perplexity is kept, as null). */
export async function writeResults(out: string, results: { title: string; machine: Record<string, string>; validationSets: readonly string[]; rows: readonly ResultRow[] }): Promise<void> {
  const document = { title: results.title, createdAt: new Date().toISOString(), machine: results.machine, validationSets: results.validationSets, rows: results.rows };
  await writeFileAtomic(join(out, "results.json"), `${JSON.stringify(document, null, 2)}\n`);
}

/** Writes masks.json for the report's mask pictures. */
export async function writeMasks(out: string, layers: readonly SparseLayerEntry[]): Promise<void> {
  if (layers.length) await writeFileAtomic(join(out, "masks.json"), `${JSON.stringify(await maskSlices(layers))}\n`);
}
