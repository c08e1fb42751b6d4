import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cpuModelFrom, describeCaches, describeMachine, lastLevelCache, parseCacheSize, readCaches } from "./machine.mjs";

const root = mkdtempSync(join(tmpdir(), "bench-machine-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fake sysfs cache folder: one indexN per [level, type, size, shared]. */
function fakeCaches(name, entries) {
  const dir = join(root, name);
  entries.forEach(([level, type, size, shared], i) => {
    const index = join(dir, `index${i}`);
    mkdirSync(index, { recursive: true });
    writeFileSync(join(index, "level"), `${level}\n`);
    writeFileSync(join(index, "type"), `${type}\n`);
    if (size !== null) writeFileSync(join(index, "size"), `${size}\n`);
    writeFileSync(join(index, "shared_cpu_list"), `${shared}\n`);
  });
  return dir;
}

describe("the machine a run measured", () => {
  it("parses sysfs cache sizes and refuses unreadable ones by name", () => {
    expect(parseCacheSize("48K")).toBe(48 * 1024);
    expect(parseCacheSize("32768K\n")).toBe(32 * 1024 * 1024);
    expect(parseCacheSize("480M")).toBe(480 * 1024 * 1024);
    expect(parseCacheSize("512")).toBe(512);
    expect(() => parseCacheSize("big")).toThrow('bench machine: unreadable cache size "big" (expected e.g. "32768K")');
  });

  it("reads the first model name of /proc/cpuinfo", () => {
    const text = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Platinum 8480C\ncache size\t: 107520 KB\n\nprocessor\t: 1\nmodel name\t: other\n";
    expect(cpuModelFrom(text)).toBe("Intel(R) Xeon(R) Platinum 8480C");
    expect(cpuModelFrom("processor : 0\n")).toBeNull();
  });

  it("lists cpu0's caches by level, data before instruction, and picks the last level", () => {
    // Written out of order, with an index that has no size (skipped).
    const dir = fakeCaches("intel", [[3, "Unified", "491520K", "0-1"], [1, "Instruction", "32K", "0"], [2, "Unified", "2048K", "0"], [1, "Data", "48K", "0"], [4, "Unified", null, "0"]]);
    const caches = readCaches(dir);
    expect(caches).toEqual([
      { level: 1, type: "Data", bytes: 48 * 1024, sharedCpus: "0" },
      { level: 1, type: "Instruction", bytes: 32 * 1024, sharedCpus: "0" },
      { level: 2, type: "Unified", bytes: 2 * 1024 ** 2, sharedCpus: "0" },
      { level: 3, type: "Unified", bytes: 480 * 1024 ** 2, sharedCpus: "0-1" },
    ]);
    expect(lastLevelCache(caches).bytes).toBe(480 * 1024 ** 2);
    expect(describeCaches(caches)).toBe("L1d 48 KiB, L1i 32 KiB, L2 2 MiB, L3 480 MiB (shared by CPUs 0-1)");
  });

  it("describes a machine from given files, and says so when the caches are unknown", () => {
    const cpuinfo = join(root, "cpuinfo");
    writeFileSync(cpuinfo, "model name\t: AMD EPYC 9B14\n");
    const cacheDir = fakeCaches("amd", [[1, "Data", "32K", "0"], [2, "Unified", "1024K", "0"], [3, "Unified", "32768K", "0-1"]]);
    expect(describeMachine({ cpuinfo, cacheDir })).toEqual({
      cpu: "AMD EPYC 9B14",
      caches: [
        { level: 1, type: "Data", bytes: 32 * 1024, sharedCpus: "0" },
        { level: 2, type: "Unified", bytes: 1024 ** 2, sharedCpus: "0" },
        { level: 3, type: "Unified", bytes: 32 * 1024 ** 2, sharedCpus: "0-1" },
      ],
      lastLevelCacheBytes: 32 * 1024 ** 2,
    });
    const bare = describeMachine({ cpuinfo: join(root, "missing"), cacheDir: join(root, "none") });
    expect(bare.caches).toEqual([]);
    expect(bare.lastLevelCacheBytes).toBeNull();
    expect(typeof bare.cpu).toBe("string"); // Node's own name for the processor
    expect(describeCaches([])).toBe("caches unknown (no /sys/devices/system/cpu/cpu0/cache)");
  });
});
