import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatTable } from "../src/results.js";
import { runExample } from "../src/run.js";

// The example's --quick configuration, shrunk further so CI runs it in well under a minute: the whole pipeline
// (teacher load, data, one-shot and trained methods, export, results, report) on the cpu-fast backend.
const out = mkdtempSync(join(tmpdir(), "example-quick-"));
const teacher = process.env.EXAMPLE_TEACHER ?? "teacher";
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
afterAll(() => rmSync(out, { recursive: true, force: true }));
if (!existsSync(chromium)) console.log(`example report browser test: skipped, no Chromium at ${chromium} (apt-get install chromium, or set CHROMIUM_PATH)`);

describe("npm run example -- --quick (shrunk)", async () => {
  const { rows, sets } = await runExample({
    quick: true,
    pretrain: false,
    verbose: false,
    out,
    set: [`teacher=${teacher}`, "steps=12", "evalWindows=4", "calibrationWindows=4", 'methods=["dense","magnitude","sparsegpt","naive","ast-boosted"]'],
  });
  const row = (method: string) => rows.find((r) => r.method === method)!;

  it("compares every method on each held-out component and on Moby Dick, with its gap and KL to the teacher", () => {
    expect(sets).toEqual(["sotu", "ham", "moby-dick"]);
    expect(rows.map((r) => r.method)).toEqual(["dense", "magnitude", "sparsegpt", "naive", "ast-boosted"]);
    for (const r of rows) for (const s of sets) expect(Number.isFinite(r.perplexity[s].mean)).toBe(true);
    // One-shot pruning hurts the teacher; SparseGPT's weight update recovers part of the damage.
    expect(row("magnitude").perplexity.sotu.mean).toBeGreaterThan(row("dense").perplexity.sotu.mean);
    expect(row("sparsegpt").perplexity.sotu.mean).toBeLessThan(row("magnitude").perplexity.sotu.mean);
    // KL(teacher ‖ model): 0 for the teacher itself, positive for every pruned model, smaller where pruning kept more.
    for (const s of sets) {
      expect(row("dense").kl![s]!.mean).toBe(0);
      expect(row("magnitude").kl![s]!.mean).toBeGreaterThan(0);
    }
    // On the text it was calibrated on (4 windows of the mixture here), SparseGPT keeps more of the teacher.
    for (const s of ["sotu", "ham"]) expect(row("sparsegpt").kl![s]!.mean, s).toBeLessThan(row("magnitude").kl![s]!.mean);
    const table = formatTable(rows, sets);
    expect(table.split("\n")[0]).toBe("| method | seeds | sotu PPL | ×teacher | ham PPL | ×teacher | moby-dick PPL | ×teacher | KL nats/token | wall s | tokens |");
    const gap = (row("magnitude").perplexity.sotu.mean / row("dense").perplexity.sotu.mean).toFixed(3);
    expect(table).toContain(`| One-shot magnitude | 1 | ${row("magnitude").perplexity.sotu.mean.toFixed(2)} | ${gap} |`);
  });

  it("trained methods lower the loss on the retraining text", () => {
    const lines = readFileSync(join(out, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    for (const run of ["naive-s1", "ast-boosted-s1"]) {
      const losses = lines.filter((e) => e.run === run && e.type === "step").map((e) => e.loss);
      expect(losses.length).toBe(12);
      // Batch losses are noisy; compare the mean of the first and last four steps.
      const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
      expect(mean(losses.slice(-4)), run).toBeLessThan(mean(losses.slice(0, 4)));
    }
  });

  it("writes the run folder: results, masks, exported models and the report", () => {
    for (const file of ["metrics.jsonl", "results.json", "masks.json", "report.html"]) expect(existsSync(join(out, file)), file).toBe(true);
    expect(existsSync(join(out, "models/naive-s1/model.safetensors"))).toBe(true);
    expect(existsSync(join(out, "models/ast-boosted-s1/model.sparse24.safetensors"))).toBe(true);
  });

  it.skipIf(!existsSync(chromium))(`the report renders every chart in headless Chromium (skipped without ${chromium})`, async () => {
    const { chromium: browser } = await import("playwright-core");
    const instance = await browser.launch({
      executablePath: chromium,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      const page = await instance.newPage({ viewport: { width: 1360, height: 900 } });
      await page.goto(`file://${join(out, "report.html")}`);
      await page.waitForFunction(() => (window as unknown as { __reportReady?: boolean }).__reportReady === true, undefined, { timeout: 30_000 });
      const charts = await page.evaluate(() =>
        [...document.querySelectorAll("canvas")].map((canvas) => {
          const context = canvas.getContext("2d")!;
          const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
          let painted = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
          const chart = (window as unknown as { Chart?: { getChart(c: HTMLCanvasElement): { data: { datasets: unknown[] } } | undefined } }).Chart?.getChart(canvas);
          return { id: canvas.id, painted, expected: canvas.dataset.series, datasets: chart?.data.datasets.length };
        }),
      );
      expect(charts.length).toBeGreaterThan(5);
      for (const chart of charts) {
        expect(chart.painted, `${chart.id} drew nothing`).toBeGreaterThan(0);
        if (chart.expected !== undefined && chart.datasets !== undefined) expect(chart.datasets, chart.id).toBe(Number(chart.expected));
      }
      await page.screenshot({ path: join(import.meta.dirname, "../test-artifacts/report-quick.png"), fullPage: true });
    } finally {
      await instance.close();
    }
  });
});
