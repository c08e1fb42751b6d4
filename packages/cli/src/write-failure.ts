import { describeWriteFailure, FileWriteError, systemErrorCode } from "@adaptive-sparse/io";

// Syscalls that only fail while writing; `open` may be a read, so it gets neutral wording.
const WRITE_SYSCALLS = new Set(["write", "fsync", "fdatasync", "mkdir", "mkdtemp", "rename", "unlink", "rmdir", "rm", "ftruncate", "copyfile", "link", "symlink"]);
const DISK_CODES = new Set(["ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM", "EFBIG", "EIO"]);

/** The fix for a failed write, in the CLI's terms (its output folder is `-o/--out`). */
function remedy(code: string): string {
  switch (code) {
    case "ENOSPC":
    case "EDQUOT":
      return "free some space, or choose an -o/--out folder on a disk with room";
    case "EROFS":
      return "choose an -o/--out folder on a writable disk";
    case "EACCES":
    case "EPERM":
      return "fix the permissions of that folder, or choose another -o/--out folder";
    default:
      return describeWriteFailure(code).remedy;
  }
}

const sentence = (text: string) => `${text[0]!.toUpperCase()}${text.slice(1)}.`;

/**
 * One paragraph for a write the file system refused (disk full, quota, read-only, permissions): which
 * file, what happened, what was left behind and what to do. Undefined for any other error.
 */
export function writeFailureMessage(error: unknown): string | undefined {
  if (error instanceof FileWriteError) {
    const { problem } = describeWriteFailure(error.systemCode);
    const cause = error.cause instanceof Error ? error.cause.message : String(error.cause);
    return `cannot write ${error.path}: ${problem} (${cause}); ${error.outcome}. ${sentence(remedy(error.systemCode))}`;
  }
  const code = systemErrorCode(error);
  if (!code || !DISK_CODES.has(code)) return undefined;
  const { path, dest, syscall, message } = error as NodeJS.ErrnoException & { dest?: string };
  const where = dest ?? path;
  const { problem } = describeWriteFailure(code);
  const writing = !syscall || WRITE_SYSCALLS.has(syscall);
  const fix = writing || !["EACCES", "EPERM"].includes(code) ? remedy(code) : "fix its permissions (for an output, choose another -o/--out folder)";
  return `${writing ? "cannot write" : "cannot open"}${where ? ` ${where}` : ""}: ${problem} (${message}). ${sentence(fix)}`;
}
