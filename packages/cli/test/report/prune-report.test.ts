// Issue 16 item 4: `report` renders the run folder that `prune` wrote (the same format as the example's).
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { readRun } from "../../src/report/index.js";
import { FAST, makeFixture, runCli } from "../cli/helpers.js";

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const hasChromium = existsSync(chromiumPath);
if (!hasChromium) console.warn(`prune → report: the Chromium part is skipped, no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`);

describe("prune → report", async () => {
  const { root, model, corpus } = await makeFixture();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const out = join(root, "run");
  const pruned = await runCli(["prune", "-m", model, "--method", "ast", "--corpus", corpus, "--steps", "6", "--backend", "cpu", "--quiet", "-o", out, ...FAST, "--set", "trainer.distill={}", "--set", "trainer.eval.every=3"]);
  const reported = await runCli(["report", out]);

  it("prune writes results.json and masks.json beside metrics.jsonl; report renders them", () => {
    expect(pruned.stderr).toContain("prune: completed at step 6");
    expect(reported.stderr).toBe("");
    expect(reported.code).toBe(0);
    expect(reported.stdout.trim()).toBe(join(out, "report.html"));
    const run = readRun(out);
    expect(run.metrics.runs.map((r) => [r.run, r.method, r.seed, r.steps.length])).toEqual([["ast", "ast", 1337, 6]]);
    expect(run.results.rows).toHaveLength(1);
    expect(run.results.rows[0]).toMatchObject({ method: "ast", seeds: 1, trained: true });
    expect(run.results.validationSets).toEqual(["corpus"]);
    expect(run.masks?.layers).toHaveLength(3);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toContain("chart-loss-ast");
    expect(html).toContain(`prune ${model} with ast`);
  });

  it.skipIf(!hasChromium)("the page loads in headless Chromium without errors and draws its charts", async () => {
    const { chromium } = await import("playwright-core");
    const profile = mkdtempSync(join(tmpdir(), "prune-report-chromium-"));
    const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: true, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto(pathToFileURL(join(out, "report.html")).href);
      await page.waitForFunction(() => (window as any).__reportReady === true, null, { timeout: 30_000 });
      const charts = await page.evaluate(() => [...document.querySelectorAll("canvas[data-kind]")].map((canvas) => canvas.id));
      expect(errors).toEqual([]);
      expect(await page.evaluate(() => (window as any).__reportErrors)).toEqual([]);
      expect(charts).toContain("chart-loss-ast");
      expect(charts.length).toBeGreaterThanOrEqual(4);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 90_000);
});
