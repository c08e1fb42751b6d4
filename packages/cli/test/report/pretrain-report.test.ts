// One run-folder format: `report` also renders what `pretrain` wrote.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readRun } from "../../src/report/index.js";
import { makeFixture, runCli } from "../cli/helpers.js";

describe("pretrain → report", async () => {
  const { root, corpus } = await makeFixture();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const out = join(root, "teacher");
  const trained = await runCli(["pretrain", "--corpus", corpus, "--steps", "3", "--backend", "cpu", "--quiet", "-o", out,
    "--set", 'model={"nLayer":1,"nHead":2,"nEmbd":16,"blockSize":16}', "--set", 'tokenizer={"type":"byte"}',
    "--set", 'trainer.lr.options={"max":0.001,"min":0.0001,"warmupSteps":1}']);

  it("writes results.json beside metrics.jsonl; report renders the folder", async () => {
    expect(trained.stderr).toContain("pretrain: completed at step 3");
    const reported = await runCli(["report", out]);
    expect(reported.stderr).toBe("");
    expect(reported.code).toBe(0);
    const run = readRun(out);
    expect(run.metrics.runs.map((r) => [r.run, r.method, r.seed, r.steps.length])).toEqual([["pretrain", "dense", 0, 3]]);
    expect(run.results.rows.map((row) => [row.label, row.seeds])).toEqual([["pretrain", 1]]);
  });
});
