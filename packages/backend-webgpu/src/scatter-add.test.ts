import { createCpuBackend, scatterAdd, tensor, type Backend } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { radixPasses } from "./programs/scatter-add.js";
import { hasAdapter, randomValues, sharedBackend } from "./test-device.js";

/** Embedding-gradient-like indices: a quarter of them one hot token, the rest spread over `rows`. */
function tokens(count: number, rows: number, seed: number): number[] {
  return randomValues(count, seed).map((v, i) => (i % 4 === 0 ? 7 % rows : Math.floor(((v + 1) / 2) * rows) % rows));
}

/** ScatterAdd on `backend`, the result's f32 bits. */
async function scatterBits(backend: Backend, count: number, width: number, rows: number, seed: number): Promise<Uint32Array> {
  const src = tensor(randomValues(count * width, seed), { shape: [count, width], backend });
  const idx = tensor(tokens(count, rows, seed + 1), { shape: [count], dtype: "i32", backend });
  const out = scatterAdd(src, idx, rows);
  const bits = new Uint32Array(Float32Array.from(await out.data()).buffer);
  [src, idx, out].forEach((t) => t.dispose());
  return bits;
}

describe("scatter-add radix passes", () => {
  it("sort keys 0..rows (rows itself is the bad-index key) in 8-bit digits", () => {
    expect([1, 254, 255, 256, 50257, 65535, 65536, 16777215, 16777216].map(radixPasses)).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 4]);
  });
});

describe.runIf(await hasAdapter())("webgpu multi-workgroup scatter-add against the cpu backend", () => {
  // Bit-for-bit: the stable sort keeps each target row's sources in source order, the order cpu adds in.
  it("a GPT-2-like wte gradient scaled down (4096 tokens, 5000 rows, a hot token): equal bits, two radix passes", async () => {
    const gpu = await sharedBackend();
    const [want, got] = [await scatterBits(createCpuBackend(), 4096, 24, 5000, 3), await scatterBits(gpu, 4096, 24, 5000, 3)];
    expect(got.length).toBe(5000 * 24);
    expect(got).toEqual(want);
    // The hot row sums 1024 sources: its value is far from any single source's.
    expect(Math.abs(new Float32Array(got.buffer)[7 * 24])).toBeGreaterThan(0);
  });

  it("70,000 rows (three radix passes, a 69-block scan of the counts) and 3000 sources of width 1: equal bits", async () => {
    const gpu = await sharedBackend();
    expect(radixPasses(70_000)).toBe(3);
    const [want, got] = [await scatterBits(createCpuBackend(), 3000, 1, 70_000, 5), await scatterBits(gpu, 3000, 1, 70_000, 5)];
    expect(got).toEqual(want);
  });

  it("every source into one row, 20,000 of them (no serial per-row sort): equal bits, and the same bits on a second run", async () => {
    const gpu = await sharedBackend();
    const run = async (backend: Backend) => {
      const src = tensor(randomValues(20_000 * 3, 9), { shape: [20_000, 3], backend });
      const idx = tensor(new Int32Array(20_000).fill(1), { shape: [20_000], dtype: "i32", backend });
      const out = scatterAdd(src, idx, 2);
      const values = Array.from(await out.data());
      [src, idx, out].forEach((t) => t.dispose());
      return values;
    };
    const want = await run(createCpuBackend());
    expect(await run(gpu)).toEqual(want);
    expect(await run(gpu)).toEqual(want);
    expect(want.slice(0, 3)).toEqual([0, 0, 0]);
  });

  it("an index out of range is reported on read with its position and the valid range; the good rows still sum", async () => {
    const gpu = await sharedBackend();
    const src = tensor([1, 2, 3, 4], { shape: [4, 1], backend: gpu });
    const idx = tensor([0, 9, 0, 2], { shape: [4], dtype: "i32", backend: gpu });
    const out = scatterAdd(src, idx, 3);
    await expect(out.data()).rejects.toThrow("ScatterAdd: index 9 at position 1 is out of range for a table of 3 rows (valid: 0..2)");
    expect(Array.from(await out.data())).toEqual([4, 0, 4]);
    [src, idx, out].forEach((t) => t.dispose());
  });
});
