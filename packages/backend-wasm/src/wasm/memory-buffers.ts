import { bytesPerElement, type DType, type TypedArray } from "@adaptive-sparse/core";
import { WasmMemoryError } from "../errors.js";
import type { Arena } from "./arena.js";

/** Bytes of WebAssembly memory kept free of tensors, for kernel temporaries and resident host operands. */
export const KERNEL_HEADROOM_BYTES = 256 * 2 ** 20;

const VIEWS: Record<DType, new (buffer: ArrayBufferLike, offset: number, length: number) => TypedArray> = {
  f32: Float32Array,
  f64: Float64Array,
  i32: Int32Array,
  u8: Uint8Array,
};

/**
 * Tests only: a byte every fresh buffer is filled with (null: left as the memory held it), so that a kernel
 * said to write its whole output but leaving part of it shows up as wrong values.
 */
export const freshBufferFill: { byte: number | null } = { byte: null };

/**
 * The backend's buffers as typed-array views of the engine's shared WebAssembly memory. The wasm kernels then
 * read and write them where they are, with no copy in or out (a GELU of a [16, 128, 1024] activation spent
 * more time in its two copies than in its arithmetic), and one buffer has one copy in the process, not a
 * host array plus a resident twin. The cpu kernels see ordinary typed arrays. A shared memory never detaches
 * its buffer when it grows, so the views stay valid. When the memory is full (wasm32 addresses 4 GiB,
 * less the headroom the kernels need) a buffer is an ordinary host array, which the kernels copy.
 *
 * A buffer is zero-filled (the backend contract) lazily: alloc leaves its bytes as they are and notes it;
 * the first read, partial write or kernel that reads it zeroes it then (`settle`), and a kernel or write
 * that replaces every element just clears the note (`overwritten`). Most buffers of a training step are
 * kernel outputs written whole, whose zeroing (about 1 GB a step for the bench's GPT) was wasted.
 */
export class MemoryBuffers {
  /** Offset of each live buffer's block. */
  private readonly blocks = new Map<TypedArray, number>();
  /** Buffers not yet zeroed or written since alloc. */
  private readonly unzeroed = new Set<TypedArray>();
  /** The memory's buffer objects views were made on (a shared memory gets a new one when it grows). */
  private readonly views = new WeakSet<ArrayBufferLike>();

  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly arena: Arena,
    /** Tensors end below this byte address. */
    private readonly limit: number,
    /** Zeroes `bytes` bytes at `pointer` (the kernels' memory.fill: a JavaScript fill of a shared view goes element by element). */
    private readonly zero: (pointer: number, bytes: number) => void,
  ) {}

  /** A buffer of `size` elements in WebAssembly memory, zero-filled once first used (see above), or null when it does not fit. */
  alloc(dtype: DType, size: number): TypedArray | null {
    const bytes = size * bytesPerElement(dtype);
    let offset: number;
    try {
      offset = this.arena.alloc(bytes);
    } catch (error) {
      if (error instanceof WasmMemoryError) return null;
      throw error;
    }
    if (offset + bytes > this.limit) {
      this.arena.free(offset);
      return null;
    }
    const buffer = this.memory.buffer;
    this.views.add(buffer);
    const view = new VIEWS[dtype](buffer, offset, size);
    if (freshBufferFill.byte !== null) new Uint8Array(buffer, offset, bytes).fill(freshBufferFill.byte);
    this.blocks.set(view, offset);
    this.unzeroed.add(view);
    return view;
  }

  /** Zeroes `handle` if nothing has written it since alloc: it is about to be read or partly written. */
  settle(handle: TypedArray): void {
    if (this.unzeroed.delete(handle)) this.zero(this.blocks.get(handle)!, handle.byteLength);
  }

  /** `handle` is about to have every element written: its zeroing is skipped. */
  overwritten(handle: TypedArray): void {
    this.unzeroed.delete(handle);
  }

  /** Whether `array` is a view of this memory (a buffer, or part of one), so its byteOffset is its address. */
  contains(array: TypedArray): boolean {
    return this.views.has(array.buffer);
  }

  /** Frees `handle` if it is one of these buffers; false for a host array. */
  free(handle: TypedArray): boolean {
    const offset = this.blocks.get(handle);
    if (offset === undefined) return false;
    this.blocks.delete(handle);
    this.unzeroed.delete(handle);
    this.arena.free(offset);
    return true;
  }

  /** Buffers alive now. */
  get live(): number {
    return this.blocks.size;
  }
}
