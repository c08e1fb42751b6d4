// Builds small run folders in a temp dir for the report tests.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The committed synthetic --quick run (see fixtures/report/make-quick-run.mjs). */
export const QUICK_RUN = join(dirname(fileURLToPath(import.meta.url)), "../../fixtures/report/quick-run");

const folders: string[] = [];

/** Writes `files` (name → text, or a value to JSON-encode) into a fresh temp folder and returns its path. */
export function runFolder(files: Record<string, unknown>): string {
  const folder = mkdtempSync(join(tmpdir(), "report-test-"));
  folders.push(folder);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(folder, name), typeof content === "string" ? content : JSON.stringify(content));
  }
  return folder;
}

/** Removes every folder made by runFolder (call from afterAll). */
export function removeFolders(): void {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
}

/** metrics.jsonl text from records, one per line. */
export function jsonl(records: unknown[]): string {
  return records.map((record) => JSON.stringify(record)).join("\n") + "\n";
}

/** A step record with the required fields; `extra` overrides any of them. */
export function step(run: string, at: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: "step",
    run,
    step: at,
    loss: 4,
    losses: { task: 3.5, kl: 1 },
    lr: 1e-4,
    decay: 0,
    tokens: at * 100,
    tokensPerSecond: 1000,
    elapsed: at / 10,
    ...extra,
  };
}

/** A minimal valid results.json with one trained row. */
export function results(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: "tiny",
    createdAt: "2026-01-02T03:04:05Z",
    machine: "test box",
    validationSets: ["wiki"],
    rows: [{ method: "naive", label: "Naive", trained: true, seeds: 1, perplexity: { wiki: { mean: 40, spread: 0 } }, wallSeconds: 65, tokens: 25600 }],
    ...extra,
  };
}
