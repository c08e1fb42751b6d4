import { FileWriteError } from "@adaptive-sparse/io";
import { describe, expect, it } from "vitest";
import { CliError, formatError } from "../../src/errors.js";
import { writeFailureMessage } from "../../src/write-failure.js";

const systemError = (code: string, errno: number, syscall: string, message: string, extra: object = {}) => Object.assign(new Error(message), { code, errno, syscall, ...extra });

describe("writeFailureMessage", () => {
  it("a FileWriteError: which file, what happened, what was left, the CLI's fix", () => {
    const cause = systemError("EDQUOT", -122, "write", "EDQUOT: disk quota exceeded, write");
    const error = new FileWriteError("io's own wording", "/runs/a/metrics.json", "EDQUOT", "no partial file was left under that name", cause);
    expect(formatError(error)).toBe(
      "adaptive-sparse: cannot write /runs/a/metrics.json: the disk quota is used up (EDQUOT: disk quota exceeded, write); " +
        "no partial file was left under that name. Free some space, or choose an -o/--out folder on a disk with room.",
    );
  });

  it("a raw system error names its path (the destination of a rename) and the fix", () => {
    expect(writeFailureMessage(systemError("EROFS", -30, "mkdir", "EROFS: read-only file system, mkdir '/mnt/ro/run'", { path: "/mnt/ro/run" }))).toBe(
      "cannot write /mnt/ro/run: the file system is read-only (EROFS: read-only file system, mkdir '/mnt/ro/run'). Choose an -o/--out folder on a writable disk.",
    );
    expect(writeFailureMessage(systemError("ENOSPC", -28, "rename", "ENOSPC: no space left on device, rename 'a' -> 'b'", { path: "/r/a", dest: "/r/b" }))).toMatch(/^cannot write \/r\/b: the disk is full/);
    expect(writeFailureMessage(systemError("EACCES", -13, "open", "EACCES: permission denied, open '/m/config.json'", { path: "/m/config.json" }))).toBe(
      "cannot open /m/config.json: permission denied (EACCES: permission denied, open '/m/config.json'). Fix its permissions (for an output, choose another -o/--out folder).",
    );
    expect(writeFailureMessage(systemError("UNKNOWN", -122, "write", "Unknown system error -122"))).toBe(
      "cannot write: the disk quota is used up (Unknown system error -122). Free some space, or choose an -o/--out folder on a disk with room.",
    );
  });

  it("leaves other errors to formatError", () => {
    expect(writeFailureMessage(systemError("ENOENT", -2, "open", "ENOENT: no such file or directory, open 'x'"))).toBeUndefined();
    expect(writeFailureMessage(new CliError("bad flag"))).toBeUndefined();
    expect(formatError(new CliError("bad flag"))).toBe("adaptive-sparse: bad flag");
    expect(formatError(systemError("ENOENT", -2, "open", "ENOENT: no such file or directory, open 'x'"))).toBe("adaptive-sparse: ENOENT: no such file or directory, open 'x'; check the path");
  });
});
