import { constants } from "node:os";
import { FileWriteError } from "./errors.js";

/** The system code of a Node system error (`ENOSPC`, ...), or undefined for any other error. */
export function systemErrorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, errno, syscall } = error as { code?: unknown; errno?: unknown; syscall?: unknown };
  if (typeof syscall !== "string" && !(typeof code === "string" && /^E[A-Z0-9]+$/.test(code))) return undefined;
  if (typeof code === "string" && code !== "UNKNOWN") return code;
  // Node 20's libuv has no name for some errnos (EDQUOT): look the number up.
  if (typeof errno === "number") {
    const name = Object.entries(constants.errno).find(([, value]) => value === Math.abs(errno))?.[0];
    if (name) return name;
  }
  return typeof code === "string" ? code : undefined;
}

/** What a failed write's system code means, and the generic fix. */
export function describeWriteFailure(systemCode: string): { problem: string; remedy: string } {
  switch (systemCode) {
    case "ENOSPC":
      return { problem: "the disk is full", remedy: "free some space or write to another disk" };
    case "EDQUOT":
      return { problem: "the disk quota is used up", remedy: "free some space within the quota or write to another disk" };
    case "EROFS":
      return { problem: "the file system is read-only", remedy: "write to a folder on a writable disk" };
    case "EACCES":
    case "EPERM":
      return { problem: "permission denied", remedy: "fix the folder's permissions or write to another folder" };
    case "EFBIG":
      return { problem: "the file is larger than the file system allows", remedy: "write to another file system" };
    case "ENOENT":
      return { problem: "a folder on the path does not exist", remedy: "check the path" };
    case "ENOTDIR":
      return { problem: "a file is in the way where a folder is needed", remedy: "choose another path or move that file" };
    case "EISDIR":
      return { problem: "a folder is in the way where the file goes", remedy: "choose another file name or move that folder" };
    case "EIO":
      return { problem: "the disk reported an input/output error", remedy: "check the disk, or write to another one" };
    default:
      return { problem: "the file system refused the write", remedy: "check the path and the disk, or write to another folder" };
  }
}

/**
 * Turns a system error raised while writing `path` into a FileWriteError naming `path` (call it after
 * cleaning up); any other error (a bug, a bad value) is returned unchanged. A FileWriteError from a
 * nested write (a file inside a checkpoint's temp folder) is renamed to `path`.
 * @param left what the failed write left behind, e.g. "no partial file was left under that name".
 * @param kind what `path` is, e.g. "checkpoint"; starts the message.
 */
export function toWriteError(error: unknown, path: string, left: string, kind = ""): unknown {
  const cause = error instanceof FileWriteError ? error.cause : error;
  const code = systemErrorCode(cause);
  if (!code) return error;
  const { problem, remedy } = describeWriteFailure(code);
  const message = `cannot write ${kind ? `${kind} ` : ""}${path}: ${problem} (${(cause as Error).message}); ${left}. To fix: ${remedy}`;
  return new FileWriteError(message, path, code, left, cause);
}
