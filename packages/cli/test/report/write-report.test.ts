import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readRun, renderReport, RunFolderError, writeReport } from "../../src/report/index.js";
import { QUICK_RUN, removeFolders, runFolder } from "./helpers.js";

const copies: string[] = [];
afterAll(() => {
  removeFolders();
  for (const folder of copies) rmSync(folder, { recursive: true, force: true });
});

describe("writeReport", () => {
  it("writes report.html next to the run files and leaves no temp file", () => {
    const parent = mkdtempSync(join(tmpdir(), "report-write-"));
    copies.push(parent);
    const folder = join(parent, "quick-run");
    cpSync(QUICK_RUN, folder, { recursive: true });
    const written = writeReport(folder);
    expect(written).toBe(join(folder, "report.html"));
    expect(readFileSync(written, "utf8")).toBe(renderReport(readRun(folder)));
    expect(readdirSync(folder).sort()).toEqual(["masks.json", "metrics.jsonl", "report.html", "results.json"]);
    // A second run replaces the page in place.
    writeReport(folder);
    expect(readdirSync(folder)).toHaveLength(4);
  });

  it("writes nothing when the folder is invalid", () => {
    const folder = runFolder({ "metrics.jsonl": "{}\n" });
    expect(() => writeReport(folder)).toThrow(RunFolderError);
    expect(existsSync(join(folder, "report.html"))).toBe(false);
    expect(readdirSync(folder)).toEqual(["metrics.jsonl"]);
  });
});
