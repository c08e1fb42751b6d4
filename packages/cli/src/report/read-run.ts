import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { formatIssues } from "./format-issues.js";
import { groupRuns, type GroupedMetrics } from "./group-runs.js";
import { masksSchema, type Masks } from "./masks-schema.js";
import { parseMetrics } from "./parse-metrics.js";
import { resultsSchema, type Results } from "./results-schema.js";
import { RunFolderError } from "./run-folder-error.js";

/** A validated run folder, ready for `renderReport`. */
export interface RunData {
  folder: string;
  metrics: GroupedMetrics;
  results: Results;
  /** Undefined when the folder has no masks.json (the report then says so instead of drawing masks). */
  masks: Masks | undefined;
}

function readText(file: string, writtenBy: string): string {
  if (!existsSync(file)) {
    throw new RunFolderError(file, undefined, `file not found; a run folder must contain it (${writtenBy})`);
  }
  return readFileSync(file, "utf8");
}

function readJson<T>(file: string, schema: z.ZodType<T>, writtenBy: string): T {
  let value: unknown;
  try {
    value = JSON.parse(readText(file, writtenBy));
  } catch (error) {
    if (error instanceof RunFolderError) throw error;
    throw new RunFolderError(file, undefined, `not valid JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new RunFolderError(file, undefined, formatIssues(parsed.error));
  return parsed.data;
}

function checkResults(results: Results, file: string): void {
  const sets = new Set(results.validationSets);
  results.rows.forEach((row, index) => {
    for (const set of Object.keys(row.perplexity)) {
      if (!sets.has(set)) {
        throw new RunFolderError(
          file,
          undefined,
          `rows.${index} (${row.method}): perplexity for "${set}", which validationSets does not list ` +
            `(it lists ${results.validationSets.join(", ")}); add it there or drop the entry`,
        );
      }
    }
  });
}

function checkMasks(masks: Masks, file: string): void {
  masks.layers.forEach((layer, index) => {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(layer.data)) {
      throw new RunFolderError(file, undefined, `layers.${index} (${layer.name}): data is not base64`);
    }
    const bytes = Buffer.from(layer.data, "base64").length;
    if (bytes !== layer.rows * layer.cols) {
      throw new RunFolderError(
        file,
        undefined,
        `layers.${index} (${layer.name}): data decodes to ${bytes} bytes but rows × cols = ` +
          `${layer.rows} × ${layer.cols} = ${layer.rows * layer.cols}; write one u8 per weight, row-major`,
      );
    }
  });
}

/**
 * Reads and validates a run folder: metrics.jsonl and results.json are required, masks.json is optional.
 * Every error is a RunFolderError whose message starts with the file (and line, for metrics.jsonl).
 */
export function readRun(folder: string): RunData {
  const metricsFile = join(folder, "metrics.jsonl");
  const resultsFile = join(folder, "results.json");
  const masksFile = join(folder, "masks.json");
  const events = parseMetrics(readText(metricsFile, "the training commands append to it"), metricsFile);
  const results = readJson(resultsFile, resultsSchema, "written when the run completes: prune, or the example app, writes it after the final evaluation");
  checkResults(results, resultsFile);
  let masks: Masks | undefined;
  if (existsSync(masksFile)) {
    masks = readJson(masksFile, masksSchema, "written for the AST-Boosted model");
    checkMasks(masks, masksFile);
  }
  return { folder, metrics: groupRuns(events), results, masks };
}
