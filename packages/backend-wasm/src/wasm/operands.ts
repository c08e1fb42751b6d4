import type { TypedArray } from "@adaptive-sparse/core";
import type { Arena } from "./arena.js";

/** Copies (or derives) an operand into a block at `pointer`. */
export type Fill = (pointer: number) => void;

/**
 * Where a kernel call gets its operands' WebAssembly copies. `acquire` returns a pointer valid until
 * `release`, which ends the call.
 */
export interface OperandSource {
  /**
   * A block holding `array` in the form `kind` ("raw" for a plain copy, or a form derived from it and
   * from the `companions`, such as a prepared 2:4 weight from its values and positions), `bytes` long,
   * filled by `fill` when not already there.
   */
  acquire(array: TypedArray, kind: string, bytes: number, fill: Fill, companions?: readonly TypedArray[]): number;
  /** Ends the call: temporary blocks are freed, resident ones may be evicted again. */
  release(): void;
}

/** Every operand copied for this call only: for host arrays the caller may change between calls. */
export function temporaryOperands(arena: Arena): OperandSource {
  const blocks: number[] = [];
  return {
    acquire(_array, _kind, bytes, fill) {
      const pointer = arena.alloc(bytes);
      blocks.push(pointer);
      fill(pointer);
      return pointer;
    },
    release() {
      while (blocks.length) arena.free(blocks.pop()!);
    },
  };
}

interface Entry {
  /** The array the block is derived from, then its companions: changing any of them drops the block. */
  readonly arrays: readonly TypedArray[];
  readonly kind: string;
  readonly pointer: number;
  readonly bytes: number;
}

/**
 * Keeps operands resident in WebAssembly memory between kernel calls, up to `budget` bytes, evicting
 * the least recently used. Only for buffers the backend owns: the backend calls `invalidate` whenever a
 * buffer may change (write, free, or being a kernel's output), so a resident copy is never stale.
 * Weights used call after call (a GEMV in decode, B of every forward GEMM) are then copied once.
 */
export class ResidentOperands implements OperandSource {
  private readonly byArray = new Map<TypedArray, Entry[]>();
  /** Least recently used first (a Set keeps insertion order; re-inserting marks a use). */
  private readonly recency = new Set<Entry>();
  private readonly pinned = new Set<Entry>();
  private readonly temporary: number[] = [];
  private used = 0;

  constructor(
    private readonly arena: Arena,
    readonly budget: number,
  ) {}

  /** Bytes held resident now. */
  get residentBytes(): number {
    return this.used;
  }

  acquire(array: TypedArray, kind: string, bytes: number, fill: Fill, companions: readonly TypedArray[] = []): number {
    const arrays = [array, ...companions];
    const same = (entry: Entry) => entry.kind === kind && entry.bytes === bytes && entry.arrays.length === arrays.length && entry.arrays.every((a, i) => a === arrays[i]);
    const hit = this.byArray.get(array)?.find(same);
    if (hit) {
      this.recency.delete(hit);
      this.recency.add(hit);
      this.pinned.add(hit);
      return hit.pointer;
    }
    if (bytes > this.budget) {
      const pointer = this.arena.alloc(bytes);
      this.temporary.push(pointer);
      fill(pointer);
      return pointer;
    }
    this.evictUntil(this.budget - bytes);
    const entry: Entry = { arrays, kind, bytes, pointer: this.arena.alloc(bytes) };
    try {
      fill(entry.pointer);
    } catch (error) {
      this.arena.free(entry.pointer);
      throw error;
    }
    this.used += bytes;
    this.recency.add(entry);
    this.pinned.add(entry);
    for (const key of new Set(arrays)) {
      const list = this.byArray.get(key);
      if (list) list.push(entry);
      else this.byArray.set(key, [entry]);
    }
    return entry.pointer;
  }

  release(): void {
    this.pinned.clear();
    while (this.temporary.length) this.arena.free(this.temporary.pop()!);
  }

  /** Forgets every resident form of `array` (its contents are about to change, or it was freed). */
  invalidate(array: TypedArray): void {
    const list = this.byArray.get(array);
    if (!list) return;
    for (const entry of [...list]) this.drop(entry);
  }

  /** Evicts unpinned entries, oldest first, until at most `target` bytes stay resident. */
  evictUntil(target: number): void {
    for (const entry of this.recency) {
      if (this.used <= target) return;
      if (!this.pinned.has(entry)) this.drop(entry);
    }
  }

  private drop(entry: Entry): void {
    for (const key of new Set(entry.arrays)) {
      const list = this.byArray.get(key)!;
      list.splice(list.indexOf(entry), 1);
      if (!list.length) this.byArray.delete(key);
    }
    this.recency.delete(entry);
    this.pinned.delete(entry);
    this.arena.free(entry.pointer);
    this.used -= entry.bytes;
  }
}
