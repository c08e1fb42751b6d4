import { describe, expect, it } from "vitest";
import { WasmMemoryError } from "../errors.js";
import { Arena } from "./arena.js";

const memory = () => new WebAssembly.Memory({ initial: 1, maximum: 4 });

describe("Arena", () => {
  it("aligns blocks to 64 bytes, never hands out offset 0, and reuses freed space first-fit", () => {
    const arena = new Arena(memory(), 4);
    const a = arena.alloc(10);
    const b = arena.alloc(100);
    expect(a).toBe(64);
    expect(b).toBe(128); // 10 bytes round up to one 64-byte block
    arena.free(a);
    expect(arena.alloc(64)).toBe(64);
    expect(arena.used).toBe(64 + 128);
  });

  it("merges neighbouring holes and returns a top hole to the bump pointer", () => {
    const arena = new Arena(memory(), 4);
    const blocks = [arena.alloc(64), arena.alloc(64), arena.alloc(64)];
    arena.free(blocks[0]!);
    arena.free(blocks[1]!); // merges with the first hole: 128 bytes at 64
    expect(arena.alloc(128)).toBe(64);
    arena.free(64);
    arena.free(blocks[2]!); // everything free again: the next block starts at the bottom
    expect(arena.used).toBe(0);
    expect(arena.alloc(192)).toBe(64);
  });

  it("grows the memory on demand and fails past its maximum with the size it needed", () => {
    const mem = memory();
    const arena = new Arena(mem, 4);
    arena.alloc(100_000);
    expect(mem.buffer.byteLength).toBe(2 * 65536);
    expect(() => arena.alloc(300_000)).toThrow(WasmMemoryError);
    expect(() => arena.alloc(300_000)).toThrow(/needs 1 MiB of WebAssembly memory, over the 0.25 MiB/);
  });

  it("rejects a double free", () => {
    const arena = new Arena(memory(), 4);
    const a = arena.alloc(8);
    arena.free(a);
    expect(() => arena.free(a)).toThrow(/not allocated \(double free\?\)/);
  });
});
