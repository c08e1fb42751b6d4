import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Arena } from "./arena.js";
import { WasmEngine } from "./engine.js";
import { MemoryBuffers } from "./memory-buffers.js";

const PAGE = 65536;

function setUp(limit: number) {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true } as WebAssembly.MemoryDescriptor);
  const arena = new Arena(memory, 16);
  const zero = (pointer: number, bytes: number) => new Uint8Array(memory.buffer, pointer, bytes).fill(0);
  return { memory, arena, buffers: new MemoryBuffers(memory, arena, limit, zero) };
}

describe("MemoryBuffers", () => {
  it("hands out views of the shared memory that are zero once settled, also when a freed block is reused dirty", () => {
    const { buffers, memory } = setUp(16 * PAGE);
    const a = buffers.alloc("f32", 100)!;
    expect(a).toBeInstanceOf(Float32Array);
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(buffers.contains(a)).toBe(true);
    expect(a.byteOffset).toBe(64); // the arena's first block
    a.fill(7);
    expect(buffers.free(a)).toBe(true);
    const b = buffers.alloc("i32", 100)!;
    expect(b).toBeInstanceOf(Int32Array);
    expect(b.byteOffset).toBe(64); // the same block again
    buffers.settle(b);
    expect(Array.from(b).every((v) => v === 0)).toBe(true);
    const bytes = buffers.alloc("u8", 3)!;
    const wide = buffers.alloc("f64", 2)!;
    expect([bytes, wide].map((view) => view.constructor.name)).toEqual(["Uint8Array", "Float64Array"]);
    expect(buffers.live).toBe(3);
    expect(memory.buffer.byteLength).toBe(PAGE);
  });

  it("zeroes a fresh buffer once, on its first settle, and not at all once it is overwritten", () => {
    const zeroed: [number, number][] = [];
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true } as WebAssembly.MemoryDescriptor);
    const buffers = new MemoryBuffers(memory, new Arena(memory, 16), 16 * PAGE, (pointer, bytes) => {
      zeroed.push([pointer, bytes]);
      new Uint8Array(memory.buffer, pointer, bytes).fill(0);
    });
    new Uint8Array(memory.buffer).fill(0xab); // stale bytes
    const read = buffers.alloc("f32", 10)!;
    const written = buffers.alloc("f32", 10)!;
    expect(zeroed).toEqual([]); // alloc itself zeroes nothing
    buffers.settle(read);
    buffers.settle(read);
    expect(zeroed).toEqual([[read.byteOffset, 40]]);
    expect(Array.from(read)).toEqual(new Array(10).fill(0));
    buffers.overwritten(written);
    buffers.settle(written);
    expect(zeroed.length).toBe(1); // an overwritten buffer is never zeroed
    // A freed, reused block is fresh again.
    buffers.free(read);
    const again = buffers.alloc("f32", 10)!;
    again.fill(3);
    buffers.settle(again);
    expect(Array.from(again)).toEqual(new Array(10).fill(0));
  });

  it("keeps views valid when the memory grows (a shared memory never detaches)", () => {
    const { buffers, memory } = setUp(16 * PAGE);
    const first = buffers.alloc("f32", 10)! as Float32Array;
    first[3] = 1.5;
    const big = buffers.alloc("f32", 3 * PAGE)!; // 12 pages: the memory grows
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(12 * PAGE);
    expect(big.length).toBe(3 * PAGE);
    expect(first.length).toBe(10);
    expect(first[3]).toBe(1.5);
  });

  it("returns null past its limit or when the memory is full, and false when freeing a host array", () => {
    const { buffers, arena } = setUp(2 * PAGE);
    expect(buffers.alloc("f32", PAGE)).toBeNull(); // 4 pages would end past the 2-page limit
    expect(arena.used).toBe(0); // the block it tried was given back
    expect(buffers.alloc("f32", 8 * PAGE)).toBeNull(); // 32 pages: over the memory's maximum of 16
    expect(buffers.free(new Float32Array(4))).toBe(false);
    expect(buffers.live).toBe(0);
  });
});

describe("WasmEngine.place", () => {
  let engine: WasmEngine;
  beforeAll(async () => {
    engine = await WasmEngine.create(2, 0, false);
  });
  afterAll(() => engine.dispose());

  it("gives a backend buffer's own address and copies nothing", () => {
    const own = engine.buffers!.alloc("f32", 16)! as Float32Array;
    own.fill(2);
    const used = engine.arena.used;
    engine.place([[own, "inout"]], ([pointer]) => {
      expect(pointer).toBe(own.byteOffset);
      expect(engine.addressOf(own.subarray(4))).toBe(own.byteOffset + 16);
      expect(engine.arena.used).toBe(used); // no temporary block
      engine.f32(pointer!, 16).fill(5);
    });
    expect(own[0]).toBe(5);
    engine.buffers!.free(own);
  });

  it("copies host arrays in unless the kernel only writes them, and back out unless it only reads them", () => {
    const input = Float32Array.of(1, 2, 3, 4);
    const output = new Float32Array(4).fill(9);
    const both = Int32Array.of(10, 20);
    const used = engine.arena.used;
    engine.place([[input, "in"], [output, "out"], [both, "inout"]], ([pi, po, pb]) => {
      expect(engine.addressOf(input)).toBeNull();
      expect(Array.from(engine.f32(pi!, 4))).toEqual([1, 2, 3, 4]);
      engine.f32(pi!, 4).fill(0); // an "in" array is not copied back
      engine.f32(po!, 4).set([4, 3, 2, 1]);
      const ints = new Int32Array(engine.memory.buffer, pb!, 2);
      expect(Array.from(ints)).toEqual([10, 20]);
      ints[1] = 21;
    });
    expect(Array.from(input)).toEqual([1, 2, 3, 4]);
    expect(Array.from(output)).toEqual([4, 3, 2, 1]);
    expect(Array.from(both)).toEqual([10, 21]);
    expect(engine.arena.used).toBe(used); // the temporaries were freed
  });

  it("frees its temporaries when the body throws", () => {
    const used = engine.arena.used;
    expect(() =>
      engine.place([[new Float32Array(8), "in"]], () => {
        throw new Error("kernel failed");
      }),
    ).toThrow("kernel failed");
    expect(engine.arena.used).toBe(used);
  });
});
