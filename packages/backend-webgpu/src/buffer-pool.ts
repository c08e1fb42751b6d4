/**
 * Reuses GPU buffers by size class. Sizes round up to a class (powers of two split in eight steps), so a
 * buffer freed by one step's tensor serves the next step's tensor of a similar size; the pool keeps at most
 * `maxPooledBytes` of idle buffers and destroys the rest (Dawn does not sub-allocate large buffers, so a fresh
 * one costs an allocation and a lazy zero-fill).
 */
export class BufferPool {
  readonly #free = new Map<number, GPUBuffer[]>();
  /** Creation order of each buffer: free lists hand out the oldest first (see `release`). */
  readonly #order = new WeakMap<GPUBuffer, number>();
  #created = 0;
  #pooledBytes = 0;
  /** GPU buffers that exist now (in use or pooled): the number a leak test watches. */
  created = 0;
  /** Requests served from the pool vs by a fresh `createBuffer` (profiling counters, never reset). */
  hits = 0;
  misses = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: GPUBufferUsageFlags,
    /** A fixed cap, or one read at each release (the backend's default follows the live high-water mark). */
    private readonly maxPooledBytes: number | (() => number),
    private readonly maxBufferSize: number,
  ) {}

  /** The size class of a request: multiples of 256 bytes up to 4 KiB, then eighth-of-an-octave steps. */
  static sizeClass(bytes: number, cap: number): number {
    if (bytes <= 4096) return Math.min(cap, Math.max(256, Math.ceil(bytes / 256) * 256));
    const step = 2 ** Math.floor(Math.log2(bytes)) / 8;
    return Math.min(cap, Math.ceil(bytes / step) * step);
  }

  /** A buffer of at least `bytes`; `reused` says whether it may hold old data. */
  acquire(bytes: number): { buffer: GPUBuffer; reused: boolean } {
    const size = BufferPool.sizeClass(bytes, this.maxBufferSize);
    const list = this.#free.get(size);
    const pooled = list?.pop();
    if (pooled) {
      this.#pooledBytes -= size;
      this.hits++;
      return { buffer: pooled, reused: true };
    }
    this.created++;
    this.misses++;
    const buffer = this.device.createBuffer({ size, usage: this.usage });
    this.#order.set(buffer, this.#created++);
    return { buffer, reused: false };
  }

  /** Returns a buffer the caller no longer uses (queued GPU work that still reads it is unaffected). */
  release(buffer: GPUBuffer): void {
    const cap = typeof this.maxPooledBytes === "number" ? this.maxPooledBytes : this.maxPooledBytes();
    if (this.#pooledBytes + buffer.size > cap) {
      buffer.destroy();
      this.created--;
      return;
    }
    let list = this.#free.get(buffer.size);
    if (!list) this.#free.set(buffer.size, (list = []));
    // Kept sorted newest → oldest, so `acquire` pops the oldest free buffer whatever order buffers came back
    // in (frees wait for the batch's submit, whose timing varies): a training step then gets the same
    // buffers every step, and its bind groups come from the cache.
    const order = this.#order.get(buffer) ?? 0;
    let at = list.length;
    while (at > 0 && (this.#order.get(list[at - 1]) ?? 0) < order) at--;
    list.splice(at, 0, buffer);
    this.#pooledBytes += buffer.size;
  }

  get pooledBytes(): number {
    return this.#pooledBytes;
  }

  /** Destroys every idle buffer. */
  clear(): void {
    for (const list of this.#free.values()) {
      for (const buffer of list) {
        buffer.destroy();
        this.created--;
      }
    }
    this.#free.clear();
    this.#pooledBytes = 0;
  }
}
