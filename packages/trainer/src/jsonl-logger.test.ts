import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileWriteError } from "@adaptive-sparse/io";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TrainerEvent } from "./events.js";
import { jsonlLogger } from "./jsonl-logger.js";

// A disk that fills up: opens of files matching `path` get `budget` more bytes, written for real (a write
// that crosses the budget is cut short, as the kernel does when the disk fills mid-write), then the kernel's
// own ENOSPC from /dev/full. `cutFails` makes the truncate back fail too. Folders under `readOnly` cannot be
// made: like Node on a read-only disk, a recursive mkdir says ENOENT and a plain one EROFS.
const disk = vi.hoisted(() => ({ rule: null as null | { path?: RegExp; budget?: number; cutFails?: boolean; readOnly?: string } }));
vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs/promises")>();
  const diskFull = async (): Promise<never> => {
    const full = await real.open("/dev/full", "w");
    try {
      await full.write(new Uint8Array(1));
    } finally {
      await full.close();
    }
    throw new Error("/dev/full accepted a write");
  };
  const open = (async (...args: Parameters<typeof real.open>) => {
    const handle = await real.open(...args);
    const rule = disk.rule;
    if (!rule?.path?.test(String(args[0]))) return handle;
    let left = rule.budget ?? 0;
    return new Proxy(handle, {
      get(target, key) {
        if (key === "write") {
          return async (buffer: Uint8Array, offset = 0, length = buffer.byteLength - offset) => {
            if (left === 0) return diskFull();
            const written = await target.write(buffer, offset, Math.min(length, left));
            left -= written.bytesWritten;
            return written;
          };
        }
        if (key === "truncate" && rule.cutFails) {
          return async () => {
            throw Object.assign(new Error("EIO: i/o error, ftruncate"), { code: "EIO", syscall: "ftruncate" });
          };
        }
        const value = Reflect.get(target, key, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }) as typeof real.open;
  const mkdir = (async (path: string, options?: { recursive?: boolean }) => {
    const readOnly = disk.rule?.readOnly;
    if (readOnly && String(path).startsWith(readOnly)) {
      const code = options?.recursive ? "ENOENT" : "EROFS";
      throw Object.assign(new Error(`${code}: ${code === "EROFS" ? "read-only file system" : "no such file or directory"}, mkdir '${path}'`), { code, syscall: "mkdir", path });
    }
    return real.mkdir(path, options);
  }) as typeof real.mkdir;
  return { ...real, default: { ...real, open, mkdir }, open, mkdir };
});

const step = (at: number): TrainerEvent => ({ type: "step", step: at, loss: 2.5, losses: { task: 2.5, kl: null, layerwise: null }, lr: 1e-3, decay: 0, gradNorm: 0.5, tokens: 64 * at, tokensPerSecond: 1000, elapsed: at });
const checkpoint = (at: number): TrainerEvent => ({ type: "checkpoint", step: at, dir: "runs/a/checkpoint", reason: "interval" });
const line = (event: TrainerEvent) => `${JSON.stringify(event)}\n`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "trainer-jsonl-"));
});
afterEach(async () => {
  disk.rule = null;
  await rm(dir, { recursive: true, force: true });
});

describe.runIf(existsSync("/dev/full"))("jsonlLogger on a disk that refuses the write", () => {
  it("disk full mid-line: FileWriteError naming the file; the log keeps its complete lines and no torn one", async () => {
    const path = join(dir, "metrics.jsonl");
    const log = jsonlLogger(path, { bufferLines: 100 });
    await log(step(1));
    await log(checkpoint(1)); // written: the log now holds two complete lines
    const before = await readFile(path, "utf8");
    expect(before).toBe(line(step(1)) + line(checkpoint(1)));

    disk.rule = { path: /metrics\.jsonl$/, budget: line(step(2)).length + 10 }; // the second new line is cut after 10 bytes
    await log(step(2));
    await log(step(3));
    const error = (await log(checkpoint(3)).catch((e: unknown) => e)) as FileWriteError;
    expect(error).toBeInstanceOf(FileWriteError);
    expect(error.path).toBe(path);
    expect(error.systemCode).toBe("ENOSPC");
    expect((error.cause as NodeJS.ErrnoException).code).toBe("ENOSPC");
    expect(error.outcome).toBe("the log was cut back to its last complete line and the 3 newest lines were not logged");
    expect(error.message).toBe(
      `cannot write ${path}: the disk is full (ENOSPC: no space left on device, write); the log was cut back to its last complete line ` +
        "and the 3 newest lines were not logged. To fix: free some space or write to another disk",
    );
    expect(await readFile(path, "utf8")).toBe(before);

    // The dropped batch is not retried: a later flush (the CLI's `finally`) has nothing to write and
    // does not throw again; once there is room, new lines follow the last complete one.
    await expect(log.flush()).resolves.toBeUndefined();
    disk.rule = null;
    await log(checkpoint(4));
    expect(await readFile(path, "utf8")).toBe(before + line(checkpoint(4)));
  });

  it("a new file on a full disk: nothing is left behind but an empty file", async () => {
    const path = join(dir, "run", "metrics.jsonl");
    disk.rule = { path: /metrics\.jsonl$/ };
    const log = jsonlLogger(path);
    const error = (await log(checkpoint(1)).catch((e: unknown) => e)) as FileWriteError;
    expect(error.message).toMatch(/: the disk is full \(ENOSPC: .*\); the log was cut back to its last complete line and the 1 newest line was not logged\./);
    expect(await readFile(path, "utf8")).toBe("");
  });

  it("when cutting back fails too, the message says the log may end with a partial line", async () => {
    const path = join(dir, "metrics.jsonl");
    await writeFile(path, line(step(1)));
    disk.rule = { path: /metrics\.jsonl$/, budget: 7, cutFails: true };
    const error = (await jsonlLogger(path)(checkpoint(2)).catch((e: unknown) => e)) as FileWriteError;
    expect(error.systemCode).toBe("ENOSPC");
    expect(error.outcome).toBe(
      "the log may end with a partial line (cutting it back failed: EIO: i/o error, ftruncate) and the 1 newest line was not logged; delete that partial line before reading the log",
    );
    expect(await readFile(path, "utf8")).toBe(line(step(1)) + line(checkpoint(2)).slice(0, 7));
  });
});

describe("jsonlLogger on a read-only disk", () => {
  it("reports EROFS for the folder, not Node's ENOENT, and writes nothing", async () => {
    const path = join(dir, "ro", "run", "metrics.jsonl");
    disk.rule = { readOnly: join(dir, "ro") };
    const error = (await jsonlLogger(path)(checkpoint(1)).catch((e: unknown) => e)) as FileWriteError;
    expect(error).toBeInstanceOf(FileWriteError);
    expect(error.systemCode).toBe("EROFS");
    expect(error.message).toBe(
      `cannot write ${path}: the file system is read-only (EROFS: read-only file system, mkdir '${join(dir, "ro")}'); ` +
        "the log is unchanged and the 1 newest line was not logged. To fix: write to a folder on a writable disk",
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it("a folder where the log goes: says so, and leaves the folder alone", async () => {
    const path = join(dir, "metrics.jsonl");
    await mkdir(path);
    const error = (await jsonlLogger(path)(checkpoint(1)).catch((e: unknown) => e)) as FileWriteError;
    expect(error.systemCode).toBe("EISDIR");
    expect(error.message).toMatch(/: a folder is in the way where the file goes \(EISDIR: .*\); the log is unchanged and the 1 newest line was not logged\. To fix: choose another file name or move that folder$/);
    expect(await readdir(path)).toEqual([]);
  });
});
