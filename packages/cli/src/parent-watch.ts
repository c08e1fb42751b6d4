import { readFileSync } from "node:fs";

/** The parent pid of `pid` from /proc (Linux), or undefined elsewhere. */
function parentOf(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/** The command name of `pid` from /proc, or undefined. */
function commandOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return undefined;
  }
}

/**
 * Calls `onOrphaned` once when the process that launched us exits: our parent, or, when the parent is a
 * shell that npm/npx put between (`sh -c adaptive-sparse ...`), the shell's parent. Polls every
 * `intervalMs` on an unref'd timer (it never keeps the process alive). Returns a function that stops it.
 */
export function watchParent(onOrphaned: () => void, intervalMs = 500): () => void {
  const parent = process.ppid;
  const shell = ["sh", "bash", "dash", "zsh"].includes(commandOf(parent) ?? "");
  const grandparent = shell ? parentOf(parent) : undefined;
  const timer = setInterval(() => {
    const orphaned = process.ppid !== parent || (grandparent !== undefined && grandparent > 1 && parentOf(parent) !== grandparent);
    if (orphaned) {
      clearInterval(timer);
      onOrphaned();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
