// The processor a run measured: its model name (/proc/cpuinfo) and its caches
// (/sys/devices/system/cpu/cpu0/cache), so reports from different machines can be told apart, and the
// last-level cache size the decode GEMV sizes its weight rotation by.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";

const read = (path) => readFileSync(path, "utf8").trim();

/** Bytes of a sysfs cache size ("48K", "32768K", "1M"; a bare number is bytes). */
export function parseCacheSize(text) {
  const match = /^(\d+)\s*([KMG]?)$/i.exec(text.trim());
  if (!match) throw new Error(`bench machine: unreadable cache size ${JSON.stringify(text)} (expected e.g. "32768K")`);
  return Number(match[1]) * { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[match[2].toUpperCase()];
}

/** The first "model name" of a /proc/cpuinfo text, or null. */
export function cpuModelFrom(cpuinfo) {
  return /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1].trim() ?? null;
}

/**
 * cpu0's caches from a sysfs cache folder: [{ level, type, bytes, sharedCpus }], ordered by level
 * (data before instruction), or [] when the folder is missing.
 */
export function readCaches(dir = "/sys/devices/system/cpu/cpu0/cache") {
  if (!existsSync(dir)) return [];
  const caches = [];
  for (const name of readdirSync(dir).filter((n) => /^index\d+$/.test(n))) {
    const at = (file) => read(join(dir, name, file));
    try {
      caches.push({ level: Number(at("level")), type: at("type"), bytes: parseCacheSize(at("size")), sharedCpus: existsSync(join(dir, name, "shared_cpu_list")) ? at("shared_cpu_list") : null });
    } catch {
      // an index without a size (some hypervisors): not a cache we can describe
    }
  }
  const order = { Data: 0, Unified: 1, Instruction: 2 };
  return caches.sort((a, b) => a.level - b.level || (order[a.type] ?? 3) - (order[b.type] ?? 3));
}

/** The largest cache of the highest level (what a weight must exceed to come from memory), or null. */
export function lastLevelCache(caches) {
  const top = Math.max(...caches.filter((c) => c.type !== "Instruction").map((c) => c.level));
  return caches.filter((c) => c.level === top && c.type !== "Instruction").sort((a, b) => b.bytes - a.bytes)[0] ?? null;
}

const size = (bytes) => (bytes >= 1024 ** 2 ? `${bytes / 1024 ** 2} MiB` : `${bytes / 1024} KiB`);

/** "L1d 48 KiB, L1i 32 KiB, L2 1 MiB, L3 32 MiB (shared by CPUs 0-1)". */
export function describeCaches(caches) {
  if (!caches.length) return "caches unknown (no /sys/devices/system/cpu/cpu0/cache)";
  const kind = (c) => `L${c.level}${c.type === "Data" ? "d" : c.type === "Instruction" ? "i" : ""}`;
  const llc = lastLevelCache(caches);
  return caches.map((c) => `${kind(c)} ${size(c.bytes)}${c === llc && c.sharedCpus ? ` (shared by CPUs ${c.sharedCpus})` : ""}`).join(", ");
}

/** This machine: { cpu, caches, lastLevelCacheBytes }, read once per run. */
export function describeMachine({ cpuinfo = "/proc/cpuinfo", cacheDir } = {}) {
  let cpu = null;
  try {
    cpu = cpuModelFrom(read(cpuinfo));
  } catch {
    // no procfs (not Linux): Node's own name below
  }
  const caches = readCaches(cacheDir);
  return { cpu: cpu ?? os.cpus()[0]?.model ?? "unknown processor", caches, lastLevelCacheBytes: lastLevelCache(caches)?.bytes ?? null };
}
