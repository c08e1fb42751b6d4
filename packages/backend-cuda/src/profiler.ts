import type { CudaDriver, CuHandle } from "./driver.js";

/** GPU time per kernel name, measured with a pair of events around each launch while profiling is on. */
export class KernelProfiler {
  private readonly pending: { name: string; start: CuHandle; end: CuHandle }[] = [];
  private readonly totals = new Map<string, { count: number; ms: number }>();

  constructor(private readonly driver: CudaDriver) {}

  /** Runs `launch` between two recorded events, attributed to `name`. */
  around(name: string, launch: () => void): void {
    const start = this.driver.eventCreate();
    const end = this.driver.eventCreate();
    this.driver.eventRecord(start);
    launch();
    this.driver.eventRecord(end);
    this.pending.push({ name, start, end });
  }

  /** Waits for the recorded launches and folds their times into the totals. */
  collect(): void {
    this.driver.synchronize();
    for (const { name, start, end } of this.pending.splice(0)) {
      const entry = this.totals.get(name) ?? { count: 0, ms: 0 };
      entry.count++;
      entry.ms += this.driver.eventElapsedMs(start, end);
      this.totals.set(name, entry);
      this.driver.eventDestroy(start);
      this.driver.eventDestroy(end);
    }
  }

  /** Kernel names by total GPU time, largest first. */
  report(): { name: string; count: number; ms: number }[] {
    this.collect();
    return [...this.totals].map(([name, t]) => ({ name, ...t })).sort((a, b) => b.ms - a.ms);
  }

  reset(): void {
    this.collect();
    this.totals.clear();
  }
}
