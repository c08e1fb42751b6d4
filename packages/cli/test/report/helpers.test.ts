import { describe, expect, it } from "vitest";
import { slug } from "../../src/report/chart-spec.js";
import { downsample } from "../../src/report/downsample.js";
import { formatCount, formatDuration, formatPerplexity } from "../../src/report/format.js";
import { escapeHtml, jsonForScript } from "../../src/report/html-escape.js";
import { lighten, runColors } from "../../src/report/palette.js";
import type { RunSeries } from "../../src/report/index.js";

describe("report helpers", () => {
  it("downsample keeps evenly spaced points including both ends", () => {
    const points = Array.from({ length: 10 }, (_, index) => index);
    expect(downsample(points, 4)).toEqual([0, 3, 6, 9]); // stride (10 − 1) / (4 − 1) = 3
    expect(downsample(points, 10)).toEqual(points);
  });

  it("formats durations, counts and perplexities", () => {
    expect([formatDuration(4.25), formatDuration(42.4), formatDuration(65), formatDuration(7620)]).toEqual(["4.3 s", "42 s", "1 min 05 s", "2 h 07 min"]);
    expect([formatCount(950), formatCount(25_600), formatCount(4_500_000), formatCount(1.2e9)]).toEqual(["950", "25.6k", "4.50M", "1.20B"]);
    expect([formatPerplexity(31.126), formatPerplexity(1234.5)]).toEqual(["31.13", "1,235"]);
  });

  it("makes kebab-case ids and escapes HTML and inline JSON", () => {
    expect(slug("transformer.h.0.attn.c_attn")).toBe("transformer-h-0-attn-c-attn");
    expect(slug("…")).toBe("x");
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    expect(jsonForScript({ label: "</script>\u2028" })).toBe('{"label":"\\u003c/script>\\u2028"}');
  });

  it("gives seeds of one method lighter shades of its hue", () => {
    expect(lighten("#000000", 0.5)).toBe("#808080"); // 127.5 rounds to 128
    const run = (name: string, method: string): RunSeries => ({
      run: name, method, seed: 1, config: {}, steps: [], refreshes: [], evals: [], done: undefined,
    });
    const colors = runColors([run("a-s1", "a"), run("b-s1", "b"), run("a-s2", "a")]);
    expect([...colors.values()]).toEqual(["#0072b2", "#d55e00", lighten("#0072b2", 0.3)]);
  });
});
