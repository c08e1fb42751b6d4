import { afterAll, describe, expect, it } from "vitest";
import { readRun, RunFolderError } from "../../src/report/index.js";
import { jsonl, QUICK_RUN, removeFolders, results, runFolder, step } from "./helpers.js";

afterAll(removeFolders);

const start = { type: "start", run: "naive-s1", method: "naive", seed: 1, config: {} };

function failure(folder: string): RunFolderError {
  try {
    readRun(folder);
  } catch (error) {
    expect(error).toBeInstanceOf(RunFolderError);
    return error as RunFolderError;
  }
  throw new Error("readRun did not throw");
}

describe("readRun on the quick-run fixture", () => {
  const run = readRun(QUICK_RUN);

  it("groups the records by run in order of appearance", () => {
    expect(run.metrics.runs.map((entry) => entry.run)).toEqual([
      "ast-boosted-s1",
      "ast-boosted-s2",
      "naive-s1",
      "naive-s2",
      "dense-continued-s1",
    ]);
    const ast = run.metrics.runs[0]!;
    expect([ast.method, ast.seed, ast.steps.length, ast.refreshes.length, ast.evals.length]).toEqual(["ast-boosted", 1, 50, 10, 6]);
    expect(ast.done?.step).toBe(50);
    expect(ast.evals.map((entry) => entry.step)).toEqual([0, 10, 20, 30, 40, 50]);
  });

  it("reads the teacher, the results and the masks", () => {
    expect(run.metrics.teacher?.perplexity).toEqual({ "wikitext-2": 22.41, "c4-val": 25.27 });
    expect(run.metrics.teacher?.losses?.task).toBe(3.05);
    expect(run.results.validationSets).toEqual(["wikitext-2", "c4-val"]);
    expect(run.results.rows.map((row) => row.method)).toEqual(["dense", "dense-continued", "magnitude", "wanda", "sparsegpt", "naive", "ast-boosted"]);
    expect(run.masks?.layers.map((layer) => [layer.name, layer.rows, layer.cols])).toEqual([
      ["transformer.h.0.attn.c_attn", 32, 64],
      ["transformer.h.1.mlp.c_fc", 32, 64],
      ["transformer.h.3.mlp.c_proj", 32, 64],
    ]);
  });
});

describe("readRun errors name the file and the line", () => {
  it("reports a missing metrics.jsonl", () => {
    const error = failure(runFolder({ "results.json": results() }));
    expect(error.code).toBe("E_RUN_FOLDER");
    expect(error.file).toMatch(/metrics\.jsonl$/);
    expect(error.line).toBeUndefined();
    expect(error.message).toMatch(/metrics\.jsonl: file not found/);
  });

  it("reports bad JSON with its line number, skipping blank lines in the count", () => {
    const text = `${JSON.stringify(start)}\n\n{"type": "step", oops}\n${JSON.stringify(step("naive-s1", 1))}\n`;
    const error = failure(runFolder({ "metrics.jsonl": text, "results.json": results() }));
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/metrics\.jsonl:3: not valid JSON/);
    expect(error.message).not.toMatch(/cut off/);
  });

  it("says when the last line looks cut off", () => {
    const text = `${JSON.stringify(start)}\n{"type":"step","run":"naive-s1","st\n`;
    const error = failure(runFolder({ "metrics.jsonl": text, "results.json": results() }));
    expect(error.message).toMatch(/metrics\.jsonl:2: not valid JSON.*last line looks cut off/);
  });

  it("reads calibration records (written before a run's start) and draws nothing of them", () => {
    const calibration = (block: number) => ({ type: "calibration", run: "naive-s1", block, blocks: 2, windows: 128, tokens: 131072, elapsed: 30 * block });
    const text = jsonl([calibration(1), calibration(2), start, step("naive-s1", 0)]);
    const run = readRun(runFolder({ "metrics.jsonl": text, "results.json": results() }));
    expect(run.metrics.runs.map((entry) => [entry.run, entry.method, entry.steps.length])).toEqual([["naive-s1", "naive", 1]]);
    const broken = jsonl([{ ...calibration(1), block: 0 }, start]);
    expect(failure(runFolder({ "metrics.jsonl": broken, "results.json": results() })).message).toContain("metrics.jsonl:1");
  });

  it("lists the valid record types for an unknown one", () => {
    const text = jsonl([start, { type: "stpe", run: "naive-s1" }]);
    const error = failure(runFolder({ "metrics.jsonl": text, "results.json": results() }));
    expect(error.message).toContain('metrics.jsonl:2: unknown record type "stpe"; expected one of start, step, refresh, eval, done, teacher');
  });

  it("names the field of a record that breaks the schema", () => {
    const text = jsonl([start, step("naive-s1", 1), step("naive-s1", 2, { loss: "high" })]);
    const error = failure(runFolder({ "metrics.jsonl": text, "results.json": results() }));
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/metrics\.jsonl:3: bad "step" record: loss: /);
  });

  it("rejects a flip ratio above 1 and a line that is not an object", () => {
    const refresh = { type: "refresh", run: "naive-s1", step: 5, flipsPrevious: 2, flipsInitial: 2, ratioPrevious: 2, ratioInitial: 0 };
    expect(failure(runFolder({ "metrics.jsonl": jsonl([refresh]), "results.json": results() })).message).toMatch(
      /metrics\.jsonl:1: bad "refresh" record: ratioPrevious: /,
    );
    expect(failure(runFolder({ "metrics.jsonl": "[1, 2]\n", "results.json": results() })).message).toMatch(
      /metrics\.jsonl:1: each line must be one JSON object/,
    );
  });

  it("rejects an empty metrics.jsonl", () => {
    expect(failure(runFolder({ "metrics.jsonl": "\n\n", "results.json": results() })).message).toMatch(/metrics\.jsonl: holds no records/);
  });

  it("reports a missing or invalid results.json", () => {
    const metrics = jsonl([start]);
    expect(failure(runFolder({ "metrics.jsonl": metrics })).message).toMatch(/results\.json: file not found/);
    expect(failure(runFolder({ "metrics.jsonl": metrics, "results.json": "{" })).message).toMatch(/results\.json: not valid JSON/);
    const error = failure(runFolder({ "metrics.jsonl": metrics, "results.json": results({ validationSets: [] }) }));
    expect(error.message).toMatch(/results\.json: validationSets: list at least one validation set name/);
  });

  it("rejects a results row with a validation set that validationSets does not list", () => {
    const row = { method: "naive", label: "Naive", trained: true, seeds: 1, perplexity: { ptb: { mean: 1, spread: 0 } }, wallSeconds: 0, tokens: 0 };
    const error = failure(runFolder({ "metrics.jsonl": jsonl([start]), "results.json": results({ rows: [row] }) }));
    expect(error.message).toContain('rows.0 (naive): perplexity for "ptb", which validationSets does not list (it lists wiki)');
  });

  it("checks that each mask decodes to rows × cols bytes", () => {
    const base = { "metrics.jsonl": jsonl([start]), "results.json": results() };
    const short = { layers: [{ name: "h.0", rows: 2, cols: 2, data: Buffer.from([1, 0, 1]).toString("base64") }] };
    expect(failure(runFolder({ ...base, "masks.json": short })).message).toContain(
      "masks.json: layers.0 (h.0): data decodes to 3 bytes but rows × cols = 2 × 2 = 4",
    );
    const garbled = { layers: [{ name: "h.0", rows: 1, cols: 1, data: "not base64!" }] };
    expect(failure(runFolder({ ...base, "masks.json": garbled })).message).toMatch(/masks\.json: layers\.0 \(h\.0\): data is not base64/);
  });

  it("treats masks.json as optional", () => {
    expect(readRun(runFolder({ "metrics.jsonl": jsonl([start]), "results.json": results() })).masks).toBeUndefined();
  });
});
