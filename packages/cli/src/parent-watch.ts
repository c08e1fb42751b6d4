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

/** True when SIGHUP is ignored (the run was started under `nohup`, to outlive its terminal). */
function hangupIgnored(): boolean {
  try {
    const mask = /^SigIgn:\s*([0-9a-f]+)/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    return mask !== undefined && (BigInt(`0x${mask}`) & 1n) === 1n; // bit 0 is signal 1, SIGHUP
  } catch {
    return false;
  }
}

/** Environment variable: `1` always watches the parent, `0` never; by default only under npm/npx. */
export const PARENT_WATCH_ENV = "ADAPTIVE_SPARSE_PARENT_WATCH";

/**
 * Whether to stop when the launching process dies: under npm/npx (`npm_command` is set), where a killed
 * wrapper cannot pass a signal on, unless the run was started with `nohup` (meant to outlive its parent).
 * A run started from a shell keeps the shell's usual rules (SIGHUP on hang-up; `disown` survives).
 */
export function shouldWatchParent(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env[PARENT_WATCH_ENV] === "1") return true;
  if (env[PARENT_WATCH_ENV] === "0") return false;
  return Boolean(env.npm_command) && !hangupIgnored();
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
