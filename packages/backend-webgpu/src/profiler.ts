import { COPY_DST, COPY_SRC, MAP_MODE_READ, MAP_READ, QUERY_RESOLVE } from "./usage.js";

/** One row of a profile: a kernel label, how often it ran, and its GPU time (null without timestamp-query). */
export interface ProfileRow {
  readonly label: string;
  readonly dispatches: number;
  readonly gpuMs: number | null;
}

/** What the profiler measured since the last `reset()`. */
export interface ProfileReport {
  /** Whether GPU times come from timestamp queries (false: the adapter lacks `timestamp-query`). */
  readonly timestamps: boolean;
  /** Per label, sorted by GPU time (or dispatches), largest first. */
  readonly rows: readonly ProfileRow[];
  readonly gpuMs: number | null;
  /** Host time spent recording dispatches (bind groups, parameters, encoding). */
  readonly recordMs: number;
}

/** Profiling controls on the backend (`createWebGpuBackend({ profile: true })`). */
export interface WebGpuProfiler {
  /** Recording on/off (on from the start with `profile: true`); off, dispatches share one compute pass again. */
  enabled: boolean;
  readonly timestamps: boolean;
  reset(): void;
  /** Waits for the timestamps of everything submitted so far and returns the totals. */
  report(): Promise<ProfileReport>;
}

/** The query sets and buffers of one submitted batch; reused once its results are read. */
interface Slot {
  readonly set: GPUQuerySet;
  readonly resolve: GPUBuffer;
  readonly readback: GPUBuffer;
}

/**
 * Per-label GPU time through timestamp queries: while enabled, every dispatch gets its own compute pass whose
 * begin/end timestamps land in a query set; at submit the set is resolved and read back asynchronously (no
 * stall), and `report()` awaits the outstanding reads. Without `timestamp-query` it still counts dispatches.
 */
export class Profiler implements WebGpuProfiler {
  enabled: boolean;
  readonly timestamps: boolean;
  recordMs = 0;
  readonly #dispatches = new Map<string, number>();
  readonly #gpuNs = new Map<string, number>();
  readonly #free: Slot[] = [];
  readonly #pending = new Set<Promise<void>>();
  #slot: Slot | null = null;
  #labels: string[] = [];

  constructor(
    private readonly device: GPUDevice,
    enabled: boolean,
    /** Dispatches per batch at most (the query set holds two timestamps for each). */
    private readonly capacity: number,
  ) {
    this.enabled = enabled;
    this.timestamps = device.features.has("timestamp-query");
  }

  /** Counts a dispatch of `label`; returns the pass descriptor that timestamps it, if timestamps are on. */
  passFor(label: string): GPUComputePassDescriptor | undefined {
    this.#dispatches.set(label, (this.#dispatches.get(label) ?? 0) + 1);
    if (!this.timestamps || this.#labels.length >= this.capacity) return undefined;
    this.#slot ??= this.#free.pop() ?? this.#createSlot();
    const index = this.#labels.length * 2;
    this.#labels.push(label);
    return { timestampWrites: { querySet: this.#slot.set, beginningOfPassWriteIndex: index, endOfPassWriteIndex: index + 1 } };
  }

  /** Records the resolve and copy of this batch's queries into `encoder` (just before it is finished). */
  beforeSubmit(encoder: GPUCommandEncoder): (() => void) | null {
    const slot = this.#slot;
    const labels = this.#labels;
    this.#slot = null;
    this.#labels = [];
    if (!slot || labels.length === 0) {
      if (slot) this.#free.push(slot);
      return null;
    }
    const count = labels.length * 2;
    encoder.resolveQuerySet(slot.set, 0, count, slot.resolve, 0);
    encoder.copyBufferToBuffer(slot.resolve, 0, slot.readback, 0, count * 8);
    // After the submit: map the results without waiting on them here.
    return () => {
      const done = slot.readback.mapAsync(MAP_MODE_READ, 0, count * 8).then(
        () => {
          const times = new BigUint64Array(slot.readback.getMappedRange(0, count * 8));
          labels.forEach((label, k) => {
            const ns = Number(times[2 * k + 1] - times[2 * k]);
            // A pass the driver did not time reads 0..0; a reset clock would give a negative span.
            if (ns > 0) this.#gpuNs.set(label, (this.#gpuNs.get(label) ?? 0) + ns);
          });
          slot.readback.unmap();
          this.#free.push(slot);
        },
        () => undefined,
      );
      this.#pending.add(done);
      void done.then(() => this.#pending.delete(done));
    };
  }

  reset(): void {
    this.#dispatches.clear();
    this.#gpuNs.clear();
    this.recordMs = 0;
  }

  async report(): Promise<ProfileReport> {
    await Promise.all([...this.#pending]);
    const rows = [...this.#dispatches].map(([label, dispatches]) => ({
      label,
      dispatches,
      gpuMs: this.timestamps ? (this.#gpuNs.get(label) ?? 0) / 1e6 : null,
    }));
    rows.sort((a, b) => (b.gpuMs ?? 0) - (a.gpuMs ?? 0) || b.dispatches - a.dispatches);
    const gpuMs = this.timestamps ? rows.reduce((total, row) => total + (row.gpuMs ?? 0), 0) : null;
    return { timestamps: this.timestamps, rows, gpuMs, recordMs: this.recordMs };
  }

  destroy(): void {
    for (const slot of this.#free) {
      slot.set.destroy();
      slot.resolve.destroy();
      slot.readback.destroy();
    }
    this.#free.length = 0;
  }

  #createSlot(): Slot {
    const count = this.capacity * 2;
    return {
      set: this.device.createQuerySet({ type: "timestamp", count }),
      resolve: this.device.createBuffer({ size: count * 8, usage: QUERY_RESOLVE | COPY_SRC }),
      readback: this.device.createBuffer({ size: count * 8, usage: MAP_READ | COPY_DST }),
    };
  }
}

/** The report with labels merged by their first word (the op: "MatMul 4096×768×768 Bᵀ …" counts as "MatMul"). */
export function byOp(report: ProfileReport): ProfileReport {
  const merged = new Map<string, { dispatches: number; gpuMs: number | null }>();
  for (const row of report.rows) {
    const op = row.label.split(" ")[0];
    const total = merged.get(op) ?? { dispatches: 0, gpuMs: row.gpuMs === null ? null : 0 };
    total.dispatches += row.dispatches;
    if (total.gpuMs !== null && row.gpuMs !== null) total.gpuMs += row.gpuMs;
    merged.set(op, total);
  }
  const rows = [...merged].map(([label, t]) => ({ label, ...t }));
  rows.sort((a, b) => (b.gpuMs ?? 0) - (a.gpuMs ?? 0) || b.dispatches - a.dispatches);
  return { ...report, rows };
}

/** Only the rows whose label starts with `prefix` (e.g. every GEMM shape). */
export function rowsOf(report: ProfileReport, prefix: string): ProfileReport {
  return { ...report, rows: report.rows.filter((row) => row.label.startsWith(prefix)) };
}

/** A profile as a markdown table of the `top` labels by GPU time. */
export function formatProfile(report: ProfileReport, top = 15): string {
  const total = report.gpuMs ?? 0;
  const lines = ["| op | dispatches | GPU ms | share |", "| --- | ---: | ---: | ---: |"];
  for (const row of report.rows.slice(0, top)) {
    const ms = row.gpuMs === null ? "n/a" : row.gpuMs.toFixed(2);
    const share = row.gpuMs === null || total === 0 ? "" : `${((100 * row.gpuMs) / total).toFixed(1)}%`;
    lines.push(`| ${row.label} | ${row.dispatches} | ${ms} | ${share} |`);
  }
  const gpu = report.gpuMs === null ? "no timestamp-query on this adapter" : `${total.toFixed(2)} ms GPU in all`;
  lines.push(`| all (${report.rows.length} labels) | ${report.rows.reduce((n, r) => n + r.dispatches, 0)} | ${gpu} | host recording ${report.recordMs.toFixed(1)} ms |`);
  return lines.join("\n");
}
