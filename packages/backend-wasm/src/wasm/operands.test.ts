import { describe, expect, it } from "vitest";
import { Arena } from "./arena.js";
import { ResidentOperands, temporaryOperands } from "./operands.js";

function setUp(budget: number) {
  const arena = new Arena(new WebAssembly.Memory({ initial: 1, maximum: 16 }), 16);
  const fills: string[] = [];
  const fill = (name: string) => () => void fills.push(name);
  return { arena, fills, fill, cache: new ResidentOperands(arena, budget) };
}

describe("ResidentOperands", () => {
  it("fills a block once and hands it back on later calls", () => {
    const { cache, fills, fill } = setUp(4096);
    const a = new Float32Array(16);
    const first = cache.acquire(a, "raw", 64, fill("a"));
    cache.release();
    expect(cache.acquire(a, "raw", 64, fill("a again"))).toBe(first);
    cache.release();
    expect(fills).toEqual(["a"]);
    expect(cache.residentBytes).toBe(64);
  });

  it("keeps one block per kind, and drops a derived block when a companion changes", () => {
    const { cache, fills, fill } = setUp(4096);
    const values = new Float32Array(16);
    const indices = new Uint8Array(4);
    cache.acquire(values, "raw", 64, fill("raw"));
    cache.acquire(values, "prepared", 128, fill("prepared"), [indices]);
    cache.release();
    cache.invalidate(indices);
    expect(cache.residentBytes).toBe(64); // the raw copy does not depend on the indices
    cache.acquire(values, "prepared", 128, fill("prepared again"), [indices]);
    cache.acquire(values, "prepared", 128, fill("other indices"), [new Uint8Array(4)]);
    cache.release();
    expect(fills).toEqual(["raw", "prepared", "prepared again", "other indices"]);
  });

  it("evicts the least recently used, never a block in use by the current call", () => {
    const { cache, fills, fill } = setUp(192);
    const [a, b, c] = [new Float32Array(16), new Float32Array(16), new Float32Array(16)];
    cache.acquire(a, "raw", 64, fill("a"));
    cache.acquire(b, "raw", 64, fill("b"));
    cache.release();
    cache.acquire(a, "raw", 64, fill("a2")); // a is now the most recent
    cache.acquire(c, "raw", 128, fill("c")); // needs room: b goes, a is pinned by this call
    cache.release();
    cache.acquire(b, "raw", 64, fill("b2"));
    cache.release();
    expect(fills).toEqual(["a", "b", "c", "b2"]);
    expect(cache.residentBytes).toBeLessThanOrEqual(192);
  });

  it("copies an operand larger than the budget for the call only", () => {
    const { cache, arena, fill } = setUp(64);
    cache.acquire(new Float32Array(64), "raw", 256, fill("big"));
    expect(arena.used).toBe(256);
    cache.release();
    expect(arena.used).toBe(0);
    expect(cache.residentBytes).toBe(0);
  });

  it("frees a block whose fill failed", () => {
    const { cache, arena } = setUp(4096);
    expect(() => cache.acquire(new Float32Array(4), "raw", 64, () => { throw new Error("boom"); })).toThrow("boom");
    cache.release();
    expect(arena.used).toBe(0);
  });
});

describe("temporaryOperands", () => {
  it("copies every operand and frees them all at release", () => {
    const arena = new Arena(new WebAssembly.Memory({ initial: 1, maximum: 2 }), 2);
    const source = temporaryOperands(arena);
    const a = new Float32Array(4);
    let fills = 0;
    source.acquire(a, "raw", 16, () => fills++);
    source.acquire(a, "raw", 16, () => fills++);
    expect(fills).toBe(2);
    source.release();
    expect(arena.used).toBe(0);
  });
});
