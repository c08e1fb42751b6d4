/** The device calls the allocator needs (the driver on a GPU, a fake in tests). */
export interface DeviceMemory {
  malloc(bytes: number): bigint;
  free(pointer: bigint): void;
  /** Free and total device memory, for out-of-memory messages. */
  info(): { free: number; total: number };
  /** Whether `error` from `malloc` means out of memory. */
  isOutOfMemory(error: unknown): boolean;
}

/** Thrown when the device cannot hold a buffer even after the cache is emptied. */
export class CudaOutOfMemoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CudaOutOfMemoryError";
  }
}

const MIN_CLASS = 512;

/**
 * Size class of a request: at least 512 bytes, then eight classes per power of two (at most 12.5% slack), so
 * a training step's repeated shapes reuse blocks without one class per exact size.
 */
export function sizeClass(bytes: number): number {
  if (bytes <= MIN_CLASS) return MIN_CLASS;
  const power = 2 ** Math.floor(Math.log2(bytes));
  const step = Math.max(MIN_CLASS, power / 8);
  return Math.ceil(bytes / step) * step;
}

export interface AllocatorStats {
  readonly liveBlocks: number;
  /** Bytes of live blocks (their size classes). */
  readonly liveBytes: number;
  /** Bytes held from the driver: live plus cached. */
  readonly reservedBytes: number;
  readonly peakLiveBytes: number;
  readonly peakReservedBytes: number;
  readonly cachedBlocks: number;
  /** Driver allocations made (a steady training loop stops adding to this). */
  readonly deviceAllocations: number;
}

/** A block handed out: its device address and size class. */
export interface Block {
  readonly pointer: bigint;
  readonly classBytes: number;
}

/**
 * Caching allocator: freed blocks wait in per-class lists for the next request of their class. All work runs
 * on one stream in order, so a block freed after its last kernel was queued is safe to hand out again.
 */
export class CachingAllocator {
  private readonly cache = new Map<number, bigint[]>();
  private live = 0;
  private liveBytes = 0;
  private cachedBytes = 0;
  private cachedBlocks = 0;
  private peakLive = 0;
  private peakReserved = 0;
  private allocations = 0;

  constructor(private readonly memory: DeviceMemory) {}

  /** A block of at least `bytes`; `what` (dtype and element count) names the request in an out-of-memory error. */
  allocate(bytes: number, what: string): Block {
    const classBytes = sizeClass(bytes);
    const cached = this.cache.get(classBytes);
    let pointer = cached?.pop();
    if (pointer !== undefined) {
      this.cachedBytes -= classBytes;
      this.cachedBlocks--;
    } else pointer = this.fresh(classBytes, bytes, what);
    this.live++;
    this.liveBytes += classBytes;
    this.peakLive = Math.max(this.peakLive, this.liveBytes);
    this.peakReserved = Math.max(this.peakReserved, this.liveBytes + this.cachedBytes);
    return { pointer, classBytes };
  }

  private fresh(classBytes: number, bytes: number, what: string): bigint {
    try {
      this.allocations++;
      return this.memory.malloc(classBytes);
    } catch (error) {
      if (!this.memory.isOutOfMemory(error)) throw error;
    }
    // Out of memory: give every cached block back to the driver and try once more.
    this.releaseCached();
    try {
      return this.memory.malloc(classBytes);
    } catch (error) {
      if (!this.memory.isOutOfMemory(error)) throw error;
      const { free, total } = this.memory.info();
      const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
      throw new CudaOutOfMemoryError(
        `backend-cuda: out of GPU memory allocating ${what} (${bytes} bytes, ${mib(bytes)}): ${mib(free)} free of ${mib(total)}, ${mib(this.liveBytes)} held by ${this.live} live buffers. Use a smaller batch or sequence length, or free tensors (dispose/tidy).`,
      );
    }
  }

  release(block: Block): void {
    this.live--;
    this.liveBytes -= block.classBytes;
    const list = this.cache.get(block.classBytes) ?? [];
    list.push(block.pointer);
    this.cache.set(block.classBytes, list);
    this.cachedBytes += block.classBytes;
    this.cachedBlocks++;
  }

  /** Returns every cached block to the driver (live blocks stay). */
  releaseCached(): void {
    for (const list of this.cache.values()) for (const pointer of list) this.memory.free(pointer);
    this.cache.clear();
    this.cachedBytes = 0;
    this.cachedBlocks = 0;
  }

  stats(): AllocatorStats {
    return {
      liveBlocks: this.live,
      liveBytes: this.liveBytes,
      reservedBytes: this.liveBytes + this.cachedBytes,
      peakLiveBytes: this.peakLive,
      peakReservedBytes: this.peakReserved,
      cachedBlocks: this.cachedBlocks,
      deviceAllocations: this.allocations,
    };
  }
}
