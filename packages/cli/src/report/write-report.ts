import { renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readRun } from "./read-run.js";
import { renderReport } from "./render-report.js";

/**
 * Reads the run folder, renders it and writes `<folder>/report.html` atomically: the page goes to a temp
 * file in the same folder first and is renamed over the old report, so a reader never sees half a file.
 * Returns the path written.
 */
export function writeReport(folder: string): string {
  const html = renderReport(readRun(folder));
  const target = join(folder, "report.html");
  const temp = join(folder, `.report.html.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(temp, html, "utf8");
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return target;
}
