import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ChartSpec, LineChartSpec } from "../../src/report/index.js";
import { readRun, renderReport } from "../../src/report/index.js";
import { jsonl, QUICK_RUN, removeFolders, results, runFolder, step } from "./helpers.js";

afterAll(removeFolders);

/** The chart canvases in page order: id → data-series. */
function canvases(html: string): Record<string, number> {
  const found: Record<string, number> = {};
  for (const match of html.matchAll(/<canvas id="([^"]+)"[^>]*? data-series="(\d+)"/g)) found[match[1]!] = Number(match[2]);
  return found;
}

/** The JSON the page script draws from. */
function pageData(html: string): { charts: ChartSpec[]; masks: Array<{ id: string; block: number }> } {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  return JSON.parse(match![1]!);
}

function chart(html: string, id: string): LineChartSpec {
  return pageData(html).charts.find((spec) => spec.id === id) as LineChartSpec;
}

describe("renderReport on the quick-run fixture", () => {
  const run = readRun(QUICK_RUN);
  const html = renderReport(run);

  it("is one self-contained page: no external scripts, styles or URLs", () => {
    // Boolean checks: a failing toMatch would print the whole 250 kB page.
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(/<script[^>]+src=/i.test(html)).toBe(false);
    expect(/<link\b/i.test(html)).toBe(false);
    expect(/<(img|iframe|object|embed)\b/i.test(html)).toBe(false);
    // Outside the inlined library (whose minified code says "toDataURL("), no CSS may load anything.
    const ownParts = html.replace(/<script>\/\*!\s*\* Chart\.js[\s\S]*?<\/script>/, "");
    expect(ownParts.length).toBeLessThan(html.length - 200_000);
    expect(/@import|url\(/i.test(ownParts)).toBe(false);
    // The only URLs are in Chart.js's preserved license comments (/*! ... */); nothing else may reference one.
    const withoutLicenses = html.replace(/\/\*![\s\S]*?\*\//g, "");
    expect(withoutLicenses.match(/https?:\/\/\S{0,40}/g)).toBeNull();
    expect(html.includes("Chart.js v4.6.1")).toBe(true);
    expect(html.match(/<script\b/g)).toHaveLength(3);
  });

  it("gives every chart a stable id and its series count", () => {
    expect(canvases(html)).toEqual({
      "chart-final-perplexity": 2, // one dataset per validation set
      "chart-perplexity": 12, // 5 runs × 2 sets + teacher per set
      "chart-loss-ast-boosted-s1": 4, // total, task, KL, teacher
      "chart-loss-ast-boosted-s2": 4,
      "chart-loss-naive-s1": 4,
      "chart-loss-naive-s2": 4,
      "chart-loss-dense-continued-s1": 3, // no KL without a teacher
      "chart-schedule": 2, // one LR curve shared by all runs, one decay curve shared by the AST seeds
      "chart-flip-rate": 4, // 2 AST runs × (vs previous, vs initial); the fixed-mask runs are only named
      "mask-0-transformer-h-0-attn-c-attn": 1,
      "mask-1-transformer-h-1-mlp-c-fc": 1,
      "mask-2-transformer-h-3-mlp-c-proj": 1,
    });
  });

  it("carries the fixture's numbers into the chart data", () => {
    const loss = chart(html, "chart-loss-ast-boosted-s1");
    const firstStep = run.metrics.runs[0]!.steps[0]!;
    expect(loss.series.map((series) => series.label)).toEqual(["total", "task", "KL", "teacher task"]);
    expect(loss.series[0]!.points[0]).toEqual([1, firstStep.loss]);
    expect(loss.series[2]!.points[0]).toEqual([1, firstStep.losses.kl]);
    expect(loss.series[3]).toMatchObject({ dash: [6, 4], points: [[1, 3.05], [50, 3.05]] });

    const perplexity = chart(html, "chart-perplexity");
    expect(perplexity.y.log).toBe(true); // ~100 at step 0 down to ~21: more than a 4× span
    expect(perplexity.series.at(-2)).toMatchObject({ label: "teacher · wikitext-2", points: [[0, 22.41], [50, 22.41]] });

    const flips = chart(html, "chart-flip-rate");
    const refresh = run.metrics.runs[0]!.refreshes[0]!;
    expect(flips.series[0]!.points[0]).toEqual([5, refresh.ratioPrevious]);
    expect(flips.series[1]).toMatchObject({ axis: "y2", label: "ast-boosted-s1 · vs initial" });
    expect(flips.note).toContain("No flips (fixed mask): naive-s1, naive-s2.");

    const schedule = chart(html, "chart-schedule");
    expect(schedule.series.map((series) => series.label)).toEqual(["LR · all runs", "decay · ast-boosted-s1, ast-boosted-s2"]);

    const bars = pageData(html).charts.find((spec) => spec.id === "chart-final-perplexity")!;
    // With a dense-teacher row the bars are each method's gap to it: perplexity ÷ the teacher's, per set.
    const teacher = run.results.rows.find((row) => row.method === "dense")!.perplexity["c4-val"]!.mean;
    expect(bars.kind === "bar" && bars.series[1]!.values).toEqual(run.results.rows.map((row) => row.perplexity["c4-val"]!.mean / teacher));
    expect(bars.kind === "bar" && bars.series[1]!.values[0]).toBe(1);
    expect(bars.title).toBe("Gap to the dense teacher per method");
    expect(pageData(html).masks.map((mask) => mask.block)).toEqual([8, 8, 8]); // floor(560 / 64 columns)
  });

  it("marks the lowest mean of each set in the comparison table", () => {
    const rows = JSON.parse(readFileSync(join(QUICK_RUN, "results.json"), "utf8")).rows as Array<{ perplexity: Record<string, { mean: number }> }>;
    for (const set of ["wikitext-2", "c4-val"]) {
      const best = Math.min(...rows.map((row) => row.perplexity[set]!.mean));
      expect(html).toContain(`title="lowest ${set} perplexity">${best.toFixed(2)}`);
    }
    expect(html.match(/class="num best"/g)).toHaveLength(2);
  });
});

describe("renderReport on hand-made folders", () => {
  it("shows each row's gap to the dense teacher and its KL to the teacher where measured; plain perplexity bars without a teacher", () => {
    const rows = [
      { method: "dense", label: "Dense teacher", trained: false, seeds: 1, perplexity: { wiki: { mean: 20, spread: 0 } }, kl: { wiki: { mean: 0, spread: 0 } }, wallSeconds: 1, tokens: 0 },
      { method: "ast", label: "AST", trained: true, seeds: 2, perplexity: { wiki: { mean: 25, spread: 0.5 } }, kl: { wiki: { mean: 0.1234, spread: 0.01 } }, wallSeconds: 9, tokens: 100 },
    ];
    const html = renderReport(readRun(runFolder({ "metrics.jsonl": jsonl([step("ast-s1", 1)]), "results.json": results({ rows }) })));
    expect(html).toContain("25.00 <span class=\"spread\">± 0.50</span><br><span class=\"spread\" title=\"perplexity ÷ the dense teacher's\">× 1.250</span>");
    expect(html).toContain("wiki <span class=\"unit\">KL(teacher ‖ model)</span>");
    expect(html).toContain("<td class=\"num\">0.1234 <span class=\"spread\">± 0.0100</span></td>");
    const bars = pageData(html).charts.find((spec) => spec.id === "chart-final-perplexity")!;
    expect(bars.kind === "bar" && bars.series[0]!.values).toEqual([1, 1.25]);
    expect(bars.kind === "bar" && bars.series[0]!.errors).toEqual([0, 0.025]);
    const plain = renderReport(readRun(runFolder({ "metrics.jsonl": jsonl([step("naive-s1", 1)]), "results.json": results() })));
    const plainBars = pageData(plain).charts.find((spec) => spec.id === "chart-final-perplexity")!;
    expect(plainBars.kind === "bar" && plainBars.series[0]!.values).toEqual([40]);
    expect(plain).not.toContain("KL(teacher ‖ model)");
  });

  it("escapes names so data cannot break out of the page", () => {
    const folder = runFolder({
      "metrics.jsonl": jsonl([{ type: "start", run: "</script><b>x", method: "naive", seed: 1, config: {} }, step("</script><b>x", 1)]),
      "results.json": results({ title: "<script>alert(1)</script>" }),
    });
    const html = renderReport(readRun(folder));
    expect(html).not.toContain("<script>alert(1)");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html.match(/<script\b/g)).toHaveLength(3);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(chart(html, "chart-loss-script-b-x").title).toBe("</script><b>x");
  });

  it("draws only what the run logged and says what is missing", () => {
    // One run without KL or refreshes, no teacher, no masks.json: perplexity 40 → 30 stays on a linear axis.
    const folder = runFolder({
      "metrics.jsonl": jsonl([
        { type: "start", run: "dense-s1", method: "dense", seed: 1, config: {} },
        step("dense-s1", 1, { loss: 3.5, losses: { task: 3.5 }, decay: undefined }),
        step("dense-s1", 2, { loss: 3.25, losses: { task: 3.25 }, decay: undefined }),
        { type: "eval", run: "dense-s1", step: 0, perplexity: { wiki: 40 } },
        { type: "eval", run: "dense-s1", step: 2, perplexity: { wiki: 30 } },
      ]),
      "results.json": results(),
    });
    const html = renderReport(readRun(folder));
    expect(canvases(html)).toEqual({ "chart-final-perplexity": 1, "chart-perplexity": 1, "chart-loss-dense-s1": 2, "chart-schedule": 1 });
    expect(chart(html, "chart-loss-dense-s1").series.map((series) => series.points)).toEqual([
      [[1, 3.5], [2, 3.25]],
      [[1, 3.5], [2, 3.25]],
    ]);
    expect(chart(html, "chart-perplexity").y.log).toBe(false);
    expect(chart(html, "chart-schedule").y2).toBeUndefined();
    expect(html).toContain("No run changed its mask");
    expect(html).toContain("No masks.json in this run folder");
    expect(html).toContain("1 min 05 s"); // wallSeconds 65 in the comparison table
  });
});
