import { BackendError } from "@adaptive-sparse/core";
import { WasmMemoryError } from "../errors.js";

const PAGE = 65536;
/** Every block starts on a cache line, so SIMD loads of a block never straddle two lines needlessly. */
const ALIGN = 64;

const alignUp = (bytes: number) => Math.ceil(bytes / ALIGN) * ALIGN;

/**
 * A first-fit allocator over a WebAssembly memory, run from JavaScript (the kernels allocate nothing).
 * Blocks are 64-byte aligned; freed neighbours merge; the memory grows on demand up to `maximumPages`.
 * A shared memory never detaches its buffer on growth, so views taken before a grow stay valid;
 * for an unshared one, callers re-read `memory.buffer` after any allocation.
 */
export class Arena {
  /** Free blocks sorted by offset. */
  private readonly holes: { offset: number; size: number }[] = [];
  private readonly sizes = new Map<number, number>();
  private top: number;

  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly maximumPages: number,
    base = ALIGN,
  ) {
    this.top = alignUp(base); // offset 0 stays unused so a null pointer never aliases data
  }

  /** Bytes in use (for tests and leak checks). */
  get used(): number {
    let total = 0;
    for (const size of this.sizes.values()) total += size;
    return total;
  }

  /**
   * Allocates `bytes` (rounded up to 64) and returns the offset.
   * @throws WasmMemoryError when the memory would exceed its maximum.
   */
  alloc(bytes: number): number {
    const size = alignUp(Math.max(bytes, 1));
    const holes = this.holes;
    let index = -1;
    for (let i = 0; i < holes.length; i++) {
      if (holes[i]!.size >= size) {
        index = i;
        break;
      }
    }
    let offset: number;
    if (index >= 0) {
      const hole = this.holes[index]!;
      offset = hole.offset;
      if (hole.size === size) this.holes.splice(index, 1);
      else {
        hole.offset += size;
        hole.size -= size;
      }
    } else {
      offset = this.top;
      this.ensure(offset + size);
      this.top = offset + size;
    }
    this.sizes.set(offset, size);
    return offset;
  }

  /** Returns a block from {@link alloc} to the free list. */
  free(offset: number): void {
    const size = this.sizes.get(offset);
    if (size === undefined) throw new BackendError(`wasm arena: free(${offset}) of a block that is not allocated (double free?)`);
    this.sizes.delete(offset);
    // The first hole after `offset`, by binary search (the holes are sorted by offset).
    let index = 0;
    for (let high = this.holes.length; index < high; ) {
      const middle = (index + high) >> 1;
      if (this.holes[middle]!.offset < offset) index = middle + 1;
      else high = middle;
    }
    this.holes.splice(index, 0, { offset, size });
    // Merge with the following and the preceding hole.
    const next = this.holes[index + 1];
    const current = this.holes[index]!;
    if (next && current.offset + current.size === next.offset) {
      current.size += next.size;
      this.holes.splice(index + 1, 1);
    }
    const previous = this.holes[index - 1];
    if (previous && previous.offset + previous.size === current.offset) {
      previous.size += current.size;
      this.holes.splice(index, 1);
    }
    // A hole at the top goes back to the bump pointer.
    const last = this.holes[this.holes.length - 1];
    if (last && last.offset + last.size === this.top) {
      this.top = last.offset;
      this.holes.pop();
    }
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / PAGE);
    if (have / PAGE + pages > this.maximumPages) {
      throw new WasmMemoryError(
        `wasm backend: needs ${Math.ceil(end / 2 ** 20)} MiB of WebAssembly memory, over the ${(this.maximumPages * PAGE) / 2 ** 20} MiB a wasm32 module can address; ` +
          "split the operation (smaller batch) or use the cpu backend for it",
      );
    }
    this.memory.grow(pages);
  }
}
