import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileWriteError } from "@adaptive-sparse/io";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { report } from "../../src/commands/report.js";
import { formatError } from "../../src/errors.js";
import { writeReport } from "../../src/report/index.js";
import { writeFailureMessage } from "../../src/write-failure.js";
import { QUICK_RUN } from "./helpers.js";

// A disk that refuses the report's temp file: after `budget` bytes (written for real; the write that
// crosses it is cut short, as when a disk fills mid-write) the kernel's own ENOSPC from /dev/full, or
// `syncCode` at fsync (no device makes EROFS on demand).
const disk = vi.hoisted(() => ({ rule: null as null | { budget?: number; syncCode?: string }, fds: new Map<number, number>() }));
vi.mock("node:fs", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs")>();
  const openSync = ((path: string, ...rest: unknown[]) => {
    const fd = (real.openSync as (...args: unknown[]) => number)(path, ...rest);
    if (disk.rule && /report\.html\.tmp-/.test(String(path))) disk.fds.set(fd, disk.rule.budget ?? 0);
    return fd;
  }) as typeof real.openSync;
  const writeSync = ((fd: number, buffer: Uint8Array, offset: number, length: number) => {
    const left = disk.fds.get(fd);
    if (left === undefined) return real.writeSync(fd, buffer, offset, length);
    if (left === 0) {
      const full = real.openSync("/dev/full", "w");
      try {
        real.writeSync(full, new Uint8Array(1)); // throws ENOSPC
      } finally {
        real.closeSync(full);
      }
    }
    const written = real.writeSync(fd, buffer, offset, Math.min(length, left));
    disk.fds.set(fd, left - written);
    return written;
  }) as unknown as typeof real.writeSync; // writeReport always passes fd, buffer, offset, length
  const fsyncSync = ((fd: number) => {
    const code = disk.fds.has(fd) ? disk.rule?.syncCode : undefined;
    if (code) throw Object.assign(new Error(`${code}: read-only file system, fsync`), { code, errno: -30, syscall: "fsync" });
    real.fsyncSync(fd);
  }) as typeof real.fsyncSync;
  const closeSync = ((fd: number) => {
    disk.fds.delete(fd);
    real.closeSync(fd);
  }) as typeof real.closeSync;
  const mocked = { openSync, writeSync, fsyncSync, closeSync };
  return { ...real, ...mocked, default: { ...real, ...mocked } };
});

const parents: string[] = [];
afterEach(() => {
  disk.rule = null;
});
afterAll(() => {
  for (const parent of parents) rmSync(parent, { recursive: true, force: true });
});

/** A copy of the quick run fixture, optionally with an old report.html. */
function runCopy(oldReport?: string): string {
  const parent = mkdtempSync(join(tmpdir(), "report-disk-"));
  parents.push(parent);
  const folder = join(parent, "quick-run");
  cpSync(QUICK_RUN, folder, { recursive: true });
  if (oldReport !== undefined) writeFileSync(join(folder, "report.html"), oldReport);
  return folder;
}

describe("writeReport on a disk that refuses the write", () => {
  it.runIf(existsSync("/dev/full"))("disk full mid-page: FileWriteError naming report.html; the old report intact, no temp file", () => {
    const folder = runCopy("<p>old report</p>\n");
    const target = join(folder, "report.html");
    disk.rule = { budget: 4096 };
    let error: unknown;
    try {
      writeReport(folder);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FileWriteError);
    const failure = error as FileWriteError;
    expect(failure.path).toBe(target);
    expect(failure.systemCode).toBe("ENOSPC");
    expect((failure.cause as NodeJS.ErrnoException).code).toBe("ENOSPC");
    expect(failure.message).toBe(
      `cannot write ${target}: the disk is full (ENOSPC: no space left on device, write); no partial file was left under that name ` +
        "(an earlier report, if any, is unchanged). To fix: free some space or write to another disk",
    );
    expect(readFileSync(target, "utf8")).toBe("<p>old report</p>\n");
    expect(readdirSync(folder).sort()).toEqual(["masks.json", "metrics.jsonl", "report.html", "results.json"]);
    // The CLI prints it as one paragraph.
    expect(writeFailureMessage(error)).toMatch(/^cannot write .*report\.html: the disk is full \(ENOSPC: no space left on device, write\); no partial file was left under that name \(an earlier report, if any, is unchanged\)\. [^\n]+\.$/);
  });

  it.runIf(existsSync("/dev/full"))("the report command's message suggests no -o (it has none) but the run folder's disk", () => {
    const folder = runCopy();
    disk.rule = { budget: 4096 };
    let error: unknown;
    try {
      report(folder);
    } catch (caught) {
      error = caught;
    }
    const text = formatError(error);
    expect(text).toMatch(/^adaptive-sparse: cannot write .*report\.html: the disk is full/);
    expect(text).toContain("The report always goes inside the run folder");
    expect(text).not.toContain("--out");
    expect(existsSync(join(folder, "report.html"))).toBe(false);
  });

  it("read-only at fsync: no report.html when there was none, no temp file", () => {
    const folder = runCopy();
    disk.rule = { budget: Infinity, syncCode: "EROFS" };
    expect(() => writeReport(folder)).toThrow(
      `cannot write ${join(folder, "report.html")}: the file system is read-only (EROFS: read-only file system, fsync); no partial file was left under that name ` +
        "(an earlier report, if any, is unchanged). To fix: write to a folder on a writable disk",
    );
    expect(readdirSync(folder).sort()).toEqual(["masks.json", "metrics.jsonl", "results.json"]);
  });
});
