import { describe, expect, it } from "vitest";
import { TASK_FIELDS } from "../wasm/engine.js";
import { planGemm, splitRange, type GemmCall } from "./gemm-plan.js";

const kinds = { gemm: 1, gemvDot: 2, gemvAxpy: 3, sparse24Gemv: 4, sparse24Gemm: 5, rowwise: 6, binary: 7, reduceSum: 8, adamw: 9, gatherRows: 10, where: 11, causalSoftmax: 12, crossEntropy: 13, unpack24: 14, copyRows: 15, rotary: 16, groupTopK4: 17, compare: 18, softmaxKL: 19 };
const tile = { rows: 4, cols: 8 };
const call = (m: number, n: number, k: number, transA = false, transB = false): GemmCall => ({
  transA, transB, m, n, k, a: 1000, lda: transA ? m : k, b: 2_000_000, ldb: transB ? k : n, c: 9_000_000, ldc: n,
});
const tasks = (plan: Int32Array) => Array.from({ length: plan.length / TASK_FIELDS }, (_, i) => Array.from(plan.subarray(i * TASK_FIELDS, (i + 1) * TASK_FIELDS)));

describe("splitRange", () => {
  it("cuts on multiples with a minimum size and covers the range exactly", () => {
    expect(splitRange(100, 4, 4, 1)).toEqual([[0, 28], [28, 28], [56, 28], [84, 16]]);
    expect(splitRange(100, 4, 4, 64)).toEqual([[0, 64], [64, 36]]);
    expect(splitRange(0, 4, 4, 1)).toEqual([[0, 0]]);
  });
});

describe("planGemm", () => {
  it("keeps small problems in one task per GEMM", () => {
    const plan = tasks(planGemm([call(8, 8, 8)], 2, kinds, tile));
    expect(plan).toHaveLength(1);
    expect(plan[0]!.slice(0, 13)).toEqual([1, 0, 0, 8, 8, 8, 1000, 8, 2_000_000, 8, 9_000_000, 8, 0]);
  });

  it("splits a tall GEMM along m on tile rows, offsetting A and C by whole rows", () => {
    const plan = tasks(planGemm([call(512, 256, 256)], 2, kinds, tile));
    expect(plan.map((t) => t[3])).toEqual([128, 128, 128, 128]);
    expect(plan.map((t) => t[6])).toEqual([1000, 1000 + 128 * 256 * 4, 1000 + 256 * 256 * 4, 1000 + 384 * 256 * 4]);
    expect(plan.map((t) => t[10])).toEqual([9_000_000, 9_000_000 + 128 * 256 * 4, 9_000_000 + 256 * 256 * 4, 9_000_000 + 384 * 256 * 4]);
  });

  it("splits a wide GEMM along n, offsetting B by columns (rows of the stored B when transposed)", () => {
    const plain = tasks(planGemm([call(64, 1024, 256)], 2, kinds, tile));
    expect(plain.map((t) => t[4])).toEqual([256, 256, 256, 256]);
    expect(plain[1]![8]).toBe(2_000_000 + 256 * 4);
    const transposed = tasks(planGemm([call(64, 1024, 256, false, true)], 2, kinds, tile));
    expect(transposed[1]![8]).toBe(2_000_000 + 256 * 256 * 4);
    expect(transposed[1]![10]).toBe(9_000_000 + 256 * 4);
  });

  it("turns m = 1 into dot or axpy GEMV tasks and n = 1 likewise", () => {
    expect(tasks(planGemm([call(1, 300, 64, false, true)], 1, kinds, tile))[0]!.slice(0, 8)).toEqual([2, 300, 64, 1000, 2_000_000, 64, 9_000_000, 0]);
    expect(tasks(planGemm([call(1, 300, 64)], 1, kinds, tile))[0]!.slice(0, 8)).toEqual([3, 300, 64, 1000, 2_000_000, 300, 9_000_000, 0]);
    expect(tasks(planGemm([call(300, 1, 64)], 1, kinds, tile))[0]!.slice(0, 8)).toEqual([2, 300, 64, 2_000_000, 1000, 64, 9_000_000, 0]);
    expect(tasks(planGemm([call(300, 1, 64, true)], 1, kinds, tile))[0]!.slice(0, 8)).toEqual([3, 300, 64, 2_000_000, 1000, 300, 9_000_000, 0]);
  });

  it("splits matrix-vector products on the pool from 2^19 flops, GEMMs from 2^21", () => {
    // GPT-2's 768 x 768 decode product (1.2M flops) is split; a GEMM of the same flops is not.
    expect(tasks(planGemm([call(1, 768, 768, false, true)], 2, kinds, tile)).map((t) => t[1])).toEqual([192, 192, 192, 192]);
    expect(tasks(planGemm([call(1, 384, 384, false, true)], 2, kinds, tile))).toHaveLength(1);
    expect(tasks(planGemm([call(48, 96, 128)], 2, kinds, tile))).toHaveLength(1);
  });

  it("gives each of many batch members its own task without splitting", () => {
    const plan = tasks(planGemm(Array.from({ length: 8 }, () => call(64, 64, 64)), 2, kinds, tile));
    expect(plan).toHaveLength(8);
  });
});
