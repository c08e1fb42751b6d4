import type { Block, CachingAllocator } from "./allocator.js";
import type { CudaHandle } from "./handle.js";
import { TO_BF16_SOURCE } from "./kernels/indexing.js";
import type { CudaRuntime } from "./runtime.js";

/**
 * bf16 copies of GEMM operands for `precision: "bf16"`, one per f32 buffer for as long as it lives. Buffers
 * change only through `write` and in-place `AdamWStep` (every other kernel writes a fresh output), so those
 * and `free` drop the copy; a weight is then converted once per step and an activation once, not once per GEMM.
 */
export class Bf16Cache {
  private readonly copies = new Map<CudaHandle, Block>();

  constructor(private readonly rt: CudaRuntime, private readonly allocator: CachingAllocator) {}

  /** Device address of the bf16 copy of `handle` (converted now if there is none). */
  pointer(handle: CudaHandle, shape: readonly number[]): bigint {
    let block = this.copies.get(handle);
    if (!block) {
      const count = handle.size;
      block = this.allocator.allocate(count * 2, `bf16 copy of a MatMul operand [${shape.join(", ")}]`);
      this.rt.launchElements(TO_BF16_SOURCE, count, [new BigUint64Array([block.pointer]), handle.arg, BigInt64Array.of(BigInt(count))]);
      this.copies.set(handle, block);
    }
    return block.pointer;
  }

  /** Forgets the copy of a buffer that changed or was freed. */
  invalidate(handle: CudaHandle): void {
    const block = this.copies.get(handle);
    if (!block) return;
    this.copies.delete(handle);
    this.allocator.release(block);
  }

  get size(): number {
    return this.copies.size;
  }
}
