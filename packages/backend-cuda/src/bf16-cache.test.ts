import { describe, expect, it } from "vitest";
import { CachingAllocator, type DeviceMemory } from "./allocator.js";
import { Bf16Cache } from "./bf16-cache.js";
import type { CudaHandle } from "./handle.js";
import type { KernelSource } from "./kernels/common.js";
import type { CudaRuntime } from "./runtime.js";

function setup() {
  let next = 0x10000n;
  const memory: DeviceMemory = { malloc: (bytes) => (next += BigInt(bytes)), free: () => {}, info: () => ({ free: 0, total: 0 }), isOutOfMemory: () => false };
  const allocator = new CachingAllocator(memory);
  const launches: { name: string; count: number; src: bigint }[] = [];
  const rt = { launchElements: (source: KernelSource, count: number, params: ArrayBufferView[]) => launches.push({ name: source.name, count, src: (params[1] as BigUint64Array)[0]! }) };
  const cache = new Bf16Cache(rt as unknown as CudaRuntime, allocator);
  const handle = (pointer: bigint, size: number) => ({ pointer, arg: new BigUint64Array([pointer]), size }) as unknown as CudaHandle;
  return { allocator, launches, cache, handle };
}

describe("bf16 operand cache", () => {
  it("converts a buffer once for all the GEMMs that read it, again after it changes", () => {
    const { allocator, launches, cache, handle } = setup();
    const w = handle(0x100n, 1000);
    const first = cache.pointer(w, [10, 100]);
    expect(cache.pointer(w, [10, 100])).toBe(first);
    expect(launches).toEqual([{ name: "to_bf16", count: 1000, src: 0x100n }]);
    expect(allocator.stats()).toMatchObject({ liveBlocks: 1, liveBytes: 2048 });
    cache.invalidate(w); // written, updated in place by AdamWStep, or freed
    expect(allocator.stats()).toMatchObject({ liveBlocks: 0 });
    cache.pointer(w, [10, 100]);
    expect(launches).toHaveLength(2);
    cache.invalidate(w);
    cache.invalidate(w);
    expect(cache.size).toBe(0);
  });
});
