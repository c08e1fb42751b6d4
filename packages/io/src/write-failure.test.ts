import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { writeFileAtomic } from "./atomic.js";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint.js";
import { FileWriteError } from "./errors.js";
import { writeSafetensors } from "./safetensors-write.js";
import { describeWriteFailure, systemErrorCode, toWriteError } from "./write-failure.js";

// A disk that refuses writes to files whose path matches `path`, after `budget` bytes (ENOSPC, the
// kernel's own error from /dev/full) or at fsync (a constructed EROFS: no device makes one on demand).
// Folders under `readOnly` cannot be made: like Node on a read-only disk, a recursive mkdir says ENOENT.
const disk = vi.hoisted(() => ({ rule: null as null | { path: RegExp; budget?: number; syncCode?: string; readOnly?: string } }));
vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs/promises")>();
  const diskFull = async (): Promise<never> => {
    const full = await real.open("/dev/full", "w");
    try {
      await full.write(new Uint8Array(1));
    } finally {
      await full.close();
    }
    throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28, syscall: "write" });
  };
  const open = (async (...args: Parameters<typeof real.open>) => {
    const handle = await real.open(...args);
    const rule = disk.rule;
    if (!rule || !rule.path.test(String(args[0]))) return handle;
    let left = rule.budget ?? Infinity;
    return new Proxy(handle, {
      get(target, key) {
        if (key === "write") {
          return async (buffer: Uint8Array, offset = 0, length = buffer.byteLength - offset) => {
            if (length > left) return diskFull();
            left -= length;
            return target.write(buffer, offset, length);
          };
        }
        if (key === "sync" && rule.syncCode) {
          return async () => {
            throw Object.assign(new Error(`${rule.syncCode}: read-only file system, fsync`), { code: rule.syncCode, errno: -30, syscall: "fsync" });
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

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "io-write-failure-"));
});
afterEach(async () => {
  disk.rule = null;
  await rm(dir, { recursive: true, force: true });
});

const tensors = (value: number) => ({ w: { shape: [64, 64], data: new Float32Array(64 * 64).fill(value) } });

describe("a write the disk refuses", () => {
  it.runIf(existsSync("/dev/full"))("disk full mid-file: FileWriteError naming the file; the previous file intact, no temp file", async () => {
    const path = join(dir, "model.safetensors");
    await writeSafetensors(path, tensors(1));
    const before = await readFile(path);
    disk.rule = { path: /model\.safetensors\.tmp-/, budget: 1000 };
    const error = await writeSafetensors(path, tensors(2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileWriteError);
    const failure = error as FileWriteError;
    expect(failure.path).toBe(path);
    expect(failure.systemCode).toBe("ENOSPC");
    expect((failure.cause as NodeJS.ErrnoException).code).toBe("ENOSPC");
    expect(failure.message).toBe(
      `cannot write ${path}: the disk is full (ENOSPC: no space left on device, write); no partial file was left under that name ` +
        "(an earlier version, if any, is unchanged). To fix: free some space or write to another disk",
    );
    expect(await readdir(dir)).toEqual(["model.safetensors"]);
    expect((await readFile(path)).equals(before)).toBe(true);
  });

  it("read-only at fsync: no file under the final name when there was none", async () => {
    const path = join(dir, "config.json");
    disk.rule = { path: /config\.json\.tmp-/, syncCode: "EROFS" };
    const error = (await writeFileAtomic(path, "{}\n").catch((e: unknown) => e)) as FileWriteError;
    expect(error).toBeInstanceOf(FileWriteError);
    expect(error.systemCode).toBe("EROFS");
    expect(error.message).toContain(`cannot write ${path}: the file system is read-only (EROFS: read-only file system, fsync)`);
    expect(error.message).toContain("To fix: write to a folder on a writable disk");
    expect(await readdir(dir)).toEqual([]);
  });

  it.runIf(existsSync("/dev/full"))("checkpoint: names the folder, keeps the previous checkpoint loadable, leaves no temp folder", async () => {
    const ckpt = join(dir, "checkpoint");
    await saveCheckpoint(ckpt, { tensors: tensors(1), state: { step: 1 } });
    disk.rule = { path: /checkpoint\.tmp-.*tensors\.safetensors\.tmp-/, budget: 1000 };
    const error = (await saveCheckpoint(ckpt, { tensors: tensors(2), state: { step: 2 } }).catch((e: unknown) => e)) as FileWriteError;
    expect(error).toBeInstanceOf(FileWriteError);
    expect(error.path).toBe(ckpt);
    expect(error.message).toMatch(/^cannot write checkpoint .*checkpoint: the disk is full \(ENOSPC: no space left on device, write\); the partial checkpoint was removed and the previous one, if any, is unchanged\./);
    disk.rule = null;
    expect(await readdir(dir)).toEqual(["checkpoint"]);
    const loaded = await loadCheckpoint<{ step: number }>(ckpt);
    expect(loaded.state.step).toBe(1);
    expect(loaded.tensors.get("w")!.data[0]).toBe(1);
  });

  it("a folder the disk cannot make: the real reason, not Node's ENOENT", async () => {
    const path = join(dir, "ro", "run", "config.json");
    disk.rule = { path: /^$/, readOnly: join(dir, "ro") };
    const error = (await writeFileAtomic(path, "{}\n").catch((e: unknown) => e)) as FileWriteError;
    expect(error).toBeInstanceOf(FileWriteError);
    expect(error.message).toBe(
      `cannot write ${path}: the file system is read-only (EROFS: read-only file system, mkdir '${join(dir, "ro")}'); ` +
        "no partial file was left under that name (an earlier version, if any, is unchanged). To fix: write to a folder on a writable disk",
    );
    const ckpt = (await saveCheckpoint(join(dir, "ro", "checkpoint"), { tensors: tensors(1), state: {} }).catch((e: unknown) => e)) as FileWriteError;
    expect(ckpt.message).toMatch(/^cannot write checkpoint .*ro[/\\]checkpoint: the file system is read-only \(EROFS: .*\); nothing was written\./);
    expect(await readdir(dir)).toEqual([]);
  });

  it("leaves errors that are not the file system's unchanged", async () => {
    const bug = new TypeError("not a system error");
    expect(toWriteError(bug, "/x", "nothing written")).toBe(bug);
    await expect(writeSafetensors(join(dir, "a.safetensors"), { w: { shape: [3], data: new Float32Array(2) } })).rejects.toThrow(/shape/);
    expect(await readdir(dir)).toEqual([]);
  });

  it("reads the system code, also where Node has no name for the errno (EDQUOT on Node 20)", () => {
    expect(systemErrorCode(Object.assign(new Error("x"), { code: "ENOSPC", errno: -28, syscall: "write" }))).toBe("ENOSPC");
    expect(systemErrorCode(Object.assign(new Error("Unknown system error -122"), { code: "UNKNOWN", errno: -122, syscall: "write" }))).toBe("EDQUOT");
    expect(systemErrorCode(new Error("plain"))).toBeUndefined();
    expect(systemErrorCode(Object.assign(new Error("ours"), { code: "E_CLI" }))).toBeUndefined();
    expect(describeWriteFailure("EDQUOT").problem).toBe("the disk quota is used up");
    expect(describeWriteFailure("EACCES")).toEqual({ problem: "permission denied", remedy: "fix the folder's permissions or write to another folder" });
  });
});
