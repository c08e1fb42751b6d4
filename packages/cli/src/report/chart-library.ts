import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { SparseError } from "@adaptive-sparse/core";

let cached: string | undefined;

/**
 * The text of Chart.js's UMD build, read from node_modules at render time so report.html can inline it.
 * chart.js's `exports` map hides `dist/*`, so the file is found next to the package's main entry instead.
 */
export function chartLibrarySource(): string {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  let file: string;
  try {
    file = join(dirname(require.resolve("chart.js")), "chart.umd.min.js");
  } catch {
    throw new SparseError("E_CHART_LIBRARY", "chart.js is not installed, so the report cannot inline it; run `npm install` in the repository root");
  }
  if (!existsSync(file)) {
    throw new SparseError("E_CHART_LIBRARY", `${file} is missing; reinstall chart.js 4 (its UMD build is inlined into the report)`);
  }
  const text = readFileSync(file, "utf8");
  // Inlined scripts end at the first "</script": the library must not contain one.
  if (/<\/script/i.test(text)) throw new SparseError("E_CHART_LIBRARY", `${file} contains "</script" and cannot be inlined`);
  cached = text;
  return text;
}
