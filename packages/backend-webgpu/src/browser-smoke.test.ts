import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const CHROMIUM = "/usr/bin/chromium";
const script = fileURLToPath(new URL("../scripts/browser-smoke.mjs", import.meta.url));
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.log(`browser smoke test skipped: no ${CHROMIUM} (apt-get install chromium)`);

// The WebGPU backend inside headless Chromium (navigator.gpu on SwiftShader): every conformance case, then
// five AdamW steps of the tiny GPT whose losses must match the cpu backend's, computed in the same page.
describe.runIf(hasChromium)("WebGPU in headless Chromium", () => {
  it("passes the conformance cases and trains the tiny GPT like the cpu backend", () => {
    const output = execFileSync(process.execPath, [script, CHROMIUM], { encoding: "utf8", stdio: "pipe" });
    const cases = /browser smoke \((.+)\): (\d+) cases passed, (\d+) failed/.exec(output);
    expect(cases, output).not.toBeNull();
    expect(Number(cases![3])).toBe(0);
    expect(Number(cases![2])).toBeGreaterThanOrEqual(68);
    const training = /tiny GPT, 5 AdamW steps on WebGPU, losses ([\d. ]+); cpu ([\d. ]+); worst relative difference ([\d.e+-]+)/.exec(output);
    expect(training, output).not.toBeNull();
    const losses = training![1]!.trim().split(" ").map(Number);
    expect(losses).toHaveLength(5);
    expect(losses[4]).toBeLessThan(losses[0]!);
    expect(Number(training![3])).toBeLessThanOrEqual(1e-3);
  }, 240_000);
});
