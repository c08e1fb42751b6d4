import { describe, expect, it } from "vitest";
import { CachingAllocator, CudaOutOfMemoryError, sizeClass, type DeviceMemory } from "./allocator.js";
import { fillPattern } from "./ops/compute-ops.js";

/** A fake device with `capacity` bytes: addresses count up, frees are recorded. */
function fakeDevice(capacity: number) {
  let used = 0;
  let next = 0x1000n;
  const sizes = new Map<bigint, number>();
  const freed: bigint[] = [];
  const memory: DeviceMemory = {
    malloc(bytes) {
      if (used + bytes > capacity) throw Object.assign(new Error("out of memory"), { oom: true });
      used += bytes;
      const pointer = next;
      next += BigInt(bytes);
      sizes.set(pointer, bytes);
      return pointer;
    },
    free(pointer) {
      used -= sizes.get(pointer)!;
      freed.push(pointer);
    },
    info: () => ({ free: capacity - used, total: capacity }),
    isOutOfMemory: (error) => (error as { oom?: boolean }).oom === true,
  };
  return { memory, freed, used: () => used };
}

describe("caching allocator", () => {
  it("rounds requests up to size classes: 512 bytes minimum, eight classes per power of two", () => {
    expect([1, 512, 513, 4096, 4097, 4608, 5000, 1 << 20, (1 << 20) + 1].map(sizeClass)).toEqual([512, 512, 1024, 4096, 4608, 4608, 5120, 1 << 20, (1 << 20) + (1 << 17)]);
  });

  it("reuses a freed block of the same class and keeps live/reserved bytes", () => {
    const device = fakeDevice(1 << 20);
    const allocator = new CachingAllocator(device.memory);
    const a = allocator.allocate(4000, "f32 × 1000");
    const b = allocator.allocate(100, "u8 × 100");
    expect(allocator.stats()).toMatchObject({ liveBlocks: 2, liveBytes: 4096 + 512, reservedBytes: 4096 + 512, deviceAllocations: 2 });
    allocator.release(a);
    expect(allocator.stats()).toMatchObject({ liveBlocks: 1, liveBytes: 512, reservedBytes: 4096 + 512, cachedBlocks: 1 });
    const c = allocator.allocate(3900, "f32 × 975");
    expect(c.pointer).toBe(a.pointer);
    expect(allocator.stats()).toMatchObject({ liveBlocks: 2, deviceAllocations: 2, peakLiveBytes: 4096 + 512 });
    allocator.release(b);
    allocator.release(c);
    allocator.releaseCached();
    expect(device.used()).toBe(0);
    expect(allocator.stats()).toMatchObject({ liveBlocks: 0, liveBytes: 0, reservedBytes: 0, cachedBlocks: 0, peakReservedBytes: 4096 + 512 });
  });

  it("a steady loop of the same shapes stops allocating from the device", () => {
    const allocator = new CachingAllocator(fakeDevice(1 << 24).memory);
    for (let step = 0; step < 100; step++) {
      const blocks = [1000, 50_000, 1000, 3_000_000].map((bytes) => allocator.allocate(bytes, "step buffer"));
      blocks.forEach((block) => allocator.release(block));
    }
    expect(allocator.stats()).toMatchObject({ deviceAllocations: 4, liveBlocks: 0 });
  });

  it("on out of memory, returns cached blocks to the device and retries", () => {
    const device = fakeDevice(8192);
    const allocator = new CachingAllocator(device.memory);
    allocator.release(allocator.allocate(4096, "f32 × 1024"));
    const big = allocator.allocate(6144, "f32 × 1536");
    expect(device.freed).toHaveLength(1);
    expect(allocator.stats()).toMatchObject({ liveBytes: 6144, reservedBytes: 6144, cachedBlocks: 0 });
    allocator.release(big);
  });

  it("names the request, its bytes and the free memory when the device is full", () => {
    const allocator = new CachingAllocator(fakeDevice(2 ** 20).memory);
    const held = allocator.allocate(2 ** 19, "f32 × 131072");
    expect(() => allocator.allocate(2 ** 20, "f32 × 262144")).toThrow(CudaOutOfMemoryError);
    expect(() => allocator.allocate(2 ** 20, "f32 × 262144")).toThrow(
      "backend-cuda: out of GPU memory allocating f32 × 262144 (1048576 bytes, 1.0 MiB): 0.5 MiB free of 1.0 MiB, 0.5 MiB held by 1 live buffers. Use a smaller batch or sequence length, or free tensors (dispose/tidy).",
    );
    allocator.release(held);
  });
});

describe("Fill bit patterns", () => {
  it("stores the value as the dtype's typed array would", () => {
    expect(fillPattern("f32", 1)).toEqual({ bits: 0x3f800000, bytes: 4 });
    expect(fillPattern("f32", -0)).toEqual({ bits: 0x80000000, bytes: 4 });
    expect(fillPattern("i32", -1)).toEqual({ bits: 0xffffffff, bytes: 4 });
    expect(fillPattern("i32", 2.9)).toEqual({ bits: 2, bytes: 4 });
    expect(fillPattern("u8", 257)).toEqual({ bits: 1, bytes: 1 });
  });
});
