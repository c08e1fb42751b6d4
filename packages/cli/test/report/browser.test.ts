// Opens the report of the fixture --quick run in headless Chromium (playwright-core driving Debian's
// chromium, launch flags from toolchain.md §9), checks every chart drew, and saves a full-page screenshot
// to packages/cli/test-artifacts/report.png for CI to keep.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeReport } from "../../src/report/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const fixture = join(here, "../../fixtures/report/quick-run");
const artifacts = join(here, "../../test-artifacts");
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const hasChromium = existsSync(chromiumPath);
if (!hasChromium) {
  console.warn(`report browser test skipped: no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`);
}

// The flags that keep Chromium offline and working as root (toolchain.md §9).
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

interface CanvasCheck {
  id: string;
  kind: string;
  expected: number;
  datasets: number | null;
  emptyDatasets: number;
  inked: number;
  kept: number;
  pruned: number;
}

describe.skipIf(!hasChromium)("report.html in headless Chromium", () => {
  let work: string;
  let profile: string;
  let checks: CanvasCheck[] = [];
  const blocked: string[] = [];
  const pageErrors: string[] = [];
  let reportErrors: string[] = [];

  beforeAll(async () => {
    const { chromium } = await import("playwright-core");
    work = mkdtempSync(join(tmpdir(), "report-browser-"));
    profile = mkdtempSync(join(tmpdir(), "report-chromium-profile-"));
    cpSync(fixture, join(work, "quick-run"), { recursive: true });
    const report = writeReport(join(work, "quick-run"));
    // launch() refuses --user-data-dir; a persistent context on a fresh temp dir is the same thing.
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1360, height: 900 },
      deviceScaleFactor: 1,
    });
    try {
      // Anything but the file itself would be a network fetch: record it and refuse it.
      await context.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
        blocked.push(url);
        return route.abort();
      });
      const page = context.pages()[0] ?? (await context.newPage());
      page.on("pageerror", (error) => pageErrors.push(error.message));
      page.on("console", (message) => {
        if (message.type() === "error") pageErrors.push(message.text());
      });
      await page.goto(pathToFileURL(report).href);
      await page.waitForFunction(() => (window as any).__reportReady === true, null, { timeout: 30_000 });
      reportErrors = await page.evaluate(() => (window as any).__reportErrors as string[]);
      checks = await page.evaluate(() => {
        const Chart = (window as any).Chart;
        return [...document.querySelectorAll<HTMLCanvasElement>("canvas[data-kind]")].map((canvas) => {
          const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
          let inked = 0;
          let kept = 0;
          let pruned = 0;
          for (let i = 0; i < data.length; i += 4) {
            const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
            // Chart.js leaves the background transparent; masks paint white gaps between blocks.
            if (a > 0 && !(r > 250 && g > 250 && b > 250)) inked++;
            if (r === 0x1d && g === 0x4e && b === 0x89) kept++;
            if (r === 0xdd && g === 0xe4 && b === 0xec) pruned++;
          }
          const chart = Chart.getChart(canvas);
          const datasets = chart ? (chart.data.datasets as Array<{ data: unknown[] }>) : null;
          return {
            id: canvas.id,
            kind: canvas.dataset.kind!,
            expected: Number(canvas.dataset.series),
            datasets: datasets ? datasets.length : null,
            emptyDatasets: datasets ? datasets.filter((set) => set.data.length === 0).length : 0,
            inked,
            kept,
            pruned,
          };
        });
      });
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, "report.png"), fullPage: true });
    } finally {
      await context.close();
    }
    // Chromium's cold start shares 2 cores with the other test files: give it more than the 10 s hook default.
  }, 90_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it("loads without errors or network requests", () => {
    expect(pageErrors).toEqual([]);
    expect(reportErrors).toEqual([]);
    expect(blocked).toEqual([]);
  });

  it("draws every Chart.js chart with the expected number of series", () => {
    const charts = checks.filter((check) => check.kind === "chartjs");
    // bar + perplexity + 5 loss charts + schedule + flip rate
    expect(charts.map((check) => check.id)).toEqual([
      "chart-final-perplexity",
      "chart-perplexity",
      "chart-loss-ast-boosted-s1",
      "chart-loss-ast-boosted-s2",
      "chart-loss-naive-s1",
      "chart-loss-naive-s2",
      "chart-loss-dense-continued-s1",
      "chart-schedule",
      "chart-flip-rate",
    ]);
    for (const check of charts) {
      expect(check.datasets, check.id).toBe(check.expected);
      expect(check.emptyDatasets, check.id).toBe(0);
      expect(check.inked, `${check.id} has ink`).toBeGreaterThan(2000);
    }
  });

  it("paints every mask heat map with kept and pruned blocks", () => {
    const masks = checks.filter((check) => check.kind === "mask");
    expect(masks).toHaveLength(3);
    for (const mask of masks) {
      // 2:4 masks keep half of the 32 × 64 weights; each block is 8 × 8 px with a 1 px gap (7 × 7 painted).
      expect(mask.kept, mask.id).toBe(1024 * 49);
      expect(mask.pruned, mask.id).toBe(1024 * 49);
    }
  });

  it("saves a screenshot artifact", () => {
    expect(existsSync(join(artifacts, "report.png"))).toBe(true);
  });
});
