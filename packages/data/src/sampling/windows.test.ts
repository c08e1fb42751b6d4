import { describe, expect, it } from "vitest";
import { ConfigError } from "@adaptive-sparse/core";
import { CorpusTooShortError } from "../errors.js";
import { readReference } from "../test-fixtures.js";
import { calibrationWindows } from "./calibration.js";
import { evalWindows, spreadWindows } from "./eval-windows.js";

const iota = (n: number) => Uint16Array.from({ length: n }, (_, i) => i);

describe("evalWindows (method.md §7.1)", () => {
  it("cuts floor(N / L) non-overlapping windows and drops the tail", () => {
    const windows = evalWindows(iota(10), 3);
    expect(windows.shape).toEqual([3, 3]);
    expect(windows.starts).toEqual([0, 3, 6]);
    expect(Array.from(windows.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("keeps every token when N is a multiple of L", () => {
    expect(evalWindows(iota(8), 4).shape).toEqual([2, 4]);
  });

  it("errors when the stream is shorter than one window", () => {
    expect(() => evalWindows(iota(5), 8)).toThrow(CorpusTooShortError);
    expect(() => evalWindows(iota(5), 8)).toThrow("has 5 tokens, but one window of blockSize 8 needs 8");
    expect(() => evalWindows(iota(5), 0)).toThrow(ConfigError);
  });
});

describe("calibrationWindows (method.md §2.2)", () => {
  it("draws seeded windows with starts uniform over [0, len − T], as the reference", () => {
    const { length, blockSize, calibration } = readReference().sampler;
    const windows = calibrationWindows(iota(length), { count: calibration.count, blockSize, seed: calibration.seed });
    expect(windows.shape).toEqual([calibration.count, blockSize]);
    expect(windows.starts).toEqual(calibration.starts);
    const second = calibration.starts[1]!;
    expect(Array.from(windows.data.subarray(blockSize, 2 * blockSize))).toEqual(Array.from({ length: blockSize }, (_, t) => second + t));
  });

  it("can take the whole stream as a window", () => {
    const windows = calibrationWindows([5, 6, 7], { count: 2, blockSize: 3, seed: 0 });
    expect(Array.from(windows.data)).toEqual([5, 6, 7, 5, 6, 7]);
  });

  it("errors on a short stream and on unknown options", () => {
    expect(() => calibrationWindows(iota(3), { count: 1, blockSize: 4, seed: 0 })).toThrow("has 3 tokens, but one window of blockSize 4 needs 4");
    expect(() => calibrationWindows(iota(9), { count: 1, blockSize: 4, seed: 0, samples: 2 } as never)).toThrow('unknown option "samples"');
  });
});

describe("spreadWindows", () => {
  it("takes count windows evenly spaced over the stream, aligned like evalWindows', keeping the array type", () => {
    const tokens = Uint16Array.from({ length: 31 }, (_, i) => i); // 10 windows of 3, tail of 1
    const sample = spreadWindows(tokens, 3, 4); // windows 0, 2, 5, 7
    expect(sample).toBeInstanceOf(Uint16Array);
    expect(Array.from(sample)).toEqual([0, 1, 2, 6, 7, 8, 15, 16, 17, 21, 22, 23]);
    const all = spreadWindows(Uint32Array.from(tokens), 3, 50);
    expect(all).toBeInstanceOf(Uint32Array);
    expect(Array.from(all)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(() => spreadWindows(tokens, 40, 2)).toThrow("spreadWindows: the token stream has 31 tokens, but one window of blockSize 40 needs 40; use a larger corpus or a smaller blockSize");
  });
});
