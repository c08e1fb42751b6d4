import { describe, expect, it } from "vitest";
import { ConfigError, SparseError } from "@adaptive-sparse/core";
import { CorpusTooShortError } from "../errors.js";
import { readReference } from "../test-fixtures.js";
import { createWindowSampler } from "./window-sampler.js";

const reference = readReference().sampler;
const iota = (n: number) => Uint16Array.from({ length: n }, (_, i) => i);

describe("createWindowSampler", () => {
  it("draws starts uniform over [0, len − T − 1] as the reference, with y = x shifted by one", () => {
    const { length, blockSize, batchSize, seed } = reference;
    const sampler = createWindowSampler(iota(length), { blockSize, batchSize, seed });
    expect(sampler.positions).toBe(length - blockSize);
    for (const starts of reference.starts) {
      const { x, y, shape } = sampler.next();
      expect(shape).toEqual([batchSize, blockSize]);
      expect(x).toBeInstanceOf(Int32Array);
      for (let b = 0; b < batchSize; b++) {
        const row = Array.from(x.subarray(b * blockSize, (b + 1) * blockSize));
        expect(row).toEqual(Array.from({ length: blockSize }, (_, t) => starts[b]! + t));
        expect(Array.from(y.subarray(b * blockSize, (b + 1) * blockSize))).toEqual(row.map((v) => v + 1));
      }
    }
  });

  it("reaches the last target token and never reads past it", () => {
    // len 5, T 4: the only start is 0; y ends at s[4].
    const sampler = createWindowSampler([10, 11, 12, 13, 14], { blockSize: 4, batchSize: 3, seed: 1 });
    const { x, y } = sampler.next();
    expect(Array.from(x)).toEqual([10, 11, 12, 13, 10, 11, 12, 13, 10, 11, 12, 13]);
    expect(Array.from(y)).toEqual([11, 12, 13, 14, 11, 12, 13, 14, 11, 12, 13, 14]);
  });

  it("resumes bit-exactly from state() after a JSON round trip", () => {
    const tokens = iota(1000);
    const options = { blockSize: 16, batchSize: 4, seed: 3 };
    const a = createWindowSampler(tokens, options);
    a.next();
    a.next();
    const saved = JSON.parse(JSON.stringify(a.state()));
    expect(saved.step).toBe(2);
    const expected = [a.next(), a.next()];
    const b = createWindowSampler(tokens, options);
    b.restore(saved);
    expect([b.next(), b.next()]).toEqual(expected);
    expect(b.state()).toEqual(a.state());
  });

  it("refuses a state from a sampler with other sizes", () => {
    const state = createWindowSampler(iota(100), { blockSize: 8, batchSize: 2, seed: 1 }).state();
    const other = createWindowSampler(iota(100), { blockSize: 9, batchSize: 2, seed: 1 });
    expect(() => other.restore(state)).toThrow(ConfigError);
    expect(() => other.restore(state)).toThrow(/same token stream, blockSize and batchSize/);
  });

  it("says how many tokens the stream has and how many one window needs", () => {
    const call = () => createWindowSampler(iota(64), { blockSize: 64, batchSize: 1, seed: 0 });
    expect(call).toThrow(CorpusTooShortError);
    expect(call).toThrow("the token stream has 64 tokens, but one window of blockSize 64 (64 inputs + 1 target) needs 65");
    try {
      call();
    } catch (error) {
      expect(SparseError.isInstance(error) && error.code).toBe("E_DATA_TOO_SHORT");
    }
  });

  it("rejects unknown option names, listing the valid ones", () => {
    const call = () => createWindowSampler(iota(100), { blockSize: 8, batchSize: 2, seed: 1, blocksize: 4 } as never);
    expect(call).toThrow(ConfigError);
    expect(call).toThrow('unknown option "blocksize" (valid options: blockSize, batchSize, seed)');
  });
});
