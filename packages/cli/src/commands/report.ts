import { join } from "node:path";
import { FileWriteError } from "@adaptive-sparse/io";
import { CliError } from "../errors.js";
import { writeReport } from "../report/index.js";

/** `adaptive-sparse report <run folder>`: (re)writes the run's self-contained `report.html`. */
export function report(folder: string): string {
  try {
    writeReport(folder);
  } catch (error) {
    // The CLI's usual fix for a refused write is another -o/--out folder; this command has none.
    if (error instanceof FileWriteError) {
      throw new CliError(`${error.message}. The report always goes inside the run folder: make room on its disk or make it writable, or copy the run folder somewhere writable and run report there`);
    }
    throw error;
  }
  return join(folder, "report.html");
}
