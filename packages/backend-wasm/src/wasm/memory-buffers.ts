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
 * The backend's buffers as typed-array views of the engine's shared WebAssembly memory. The wasm kernels then
 * read and write them where they are, with no copy in or out (a GELU of a [16, 128, 1024] activation spent
 * more time in its two copies than in its arithmetic), and one buffer has one copy in the process, not a
 * host array plus a resident twin. The cpu kernels see ordinary typed arrays. A shared memory never detaches
 * its buffer when it grows, so the views stay valid. When the memory is full (wasm32 addresses 2 GiB here,
 * less the headroom the kernels need) a buffer is an ordinary host array, which the kernels copy.
 */
export class MemoryBuffers {
  /** Offset of each live buffer's block. */
  private readonly blocks = new Map<TypedArray, number>();
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

  /** A zero-filled buffer of `size` elements in WebAssembly memory, or null when it does not fit. */
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
    this.zero(offset, bytes);
    this.blocks.set(view, offset);
    return view;
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
    this.arena.free(offset);
    return true;
  }

  /** Buffers alive now. */
  get live(): number {
    return this.blocks.size;
  }
}
