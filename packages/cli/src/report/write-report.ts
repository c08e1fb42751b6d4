import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { toWriteError } from "@adaptive-sparse/io";
import { readRun } from "./read-run.js";
import { renderReport } from "./render-report.js";

/** Runs a cleanup step whose own failure must not hide the write's error. */
function quietly(cleanup: () => void): void {
  try {
    cleanup();
  } catch {
    // the write's error is the one to report
  }
}

/**
 * Reads the run folder, renders it and writes `<folder>/report.html` atomically: the page goes to a temp
 * file in the same folder first, is flushed to disk and renamed over the old report, so a reader never
 * sees half a file. Synchronous, like the rest of the report.
 * Returns the path written.
 * @throws RunFolderError when the run folder is invalid (nothing written); io's FileWriteError naming
 *   report.html when the disk refuses the write (full, read-only, ...), after removing the temp file.
 */
export function writeReport(folder: string): string {
  const html = Buffer.from(renderReport(readRun(folder)), "utf8");
  const target = join(folder, "report.html");
  // The naming io's atomic writes use, so leftover checks find it.
  const temp = `${target}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
  let fd: number | undefined;
  try {
    fd = openSync(temp, "wx");
    for (let done = 0; done < html.length; ) done += writeSync(fd, html, done, html.length - done);
    fsyncSync(fd); // before the rename, so a crash cannot leave an empty report under the final name
    const closing = fd;
    fd = undefined;
    closeSync(closing);
    renameSync(temp, target);
  } catch (error) {
    const left = fd;
    if (left !== undefined) quietly(() => closeSync(left));
    quietly(() => rmSync(temp, { force: true }));
    throw toWriteError(error, target, "no partial file was left under that name (an earlier report, if any, is unchanged)");
  }
  syncFolder(folder);
  return target;
}

/** Flushes the folder entry of the rename, so a power cut keeps the new report; best effort (some file systems refuse). */
function syncFolder(folder: string): void {
  quietly(() => {
    const fd = openSync(folder, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  });
}
