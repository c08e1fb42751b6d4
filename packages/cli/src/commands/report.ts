import { join } from "node:path";
import { writeReport } from "../report/index.js";

/** `adaptive-sparse report <run folder>`: (re)writes the run's self-contained `report.html`. */
export function report(folder: string): string {
  writeReport(folder);
  return join(folder, "report.html");
}
