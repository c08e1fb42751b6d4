import { describe, expect, it } from "vitest";
import { enableRelaxedSimd } from "../test-helpers.js";
import { runStress } from "./stress-loop.js";

await enableRelaxedSimd();

describe("stress: the example's kernels on fresh pools (issue 18, bounded; scripts/stress.mjs runs it for longer)", () => {
  it("8 s of GEMMs, row kernels, Add/Mul/ReduceSum, Permute, Concat, Where and 2:4 products on 1, 2 and 3 threads, both SIMD builds: every result equals the cpu kernels'", async () => {
    const report = await runStress({ seconds: 8, threads: [1, 2, 3], relaxed: [false, true], backendSeconds: 0.5, seed: 7 });
    expect(report.failures).toEqual([]);
    // Every op and every configuration ran (a count, not a speed: at least once each).
    expect(Object.keys(report.callsByOp).sort()).toEqual(["Add", "Concat", "Gelu", "GeluGrad", "LayerNorm", "LayerNormGrad", "LogSoftmax", "MatMul", "Mul", "Permute", "ReduceSum", "Softmax", "SparseMatMul24", "Where"]);
    expect(Object.keys(report.callsByConfiguration).length).toBe(6);
    expect(report.backends).toBeGreaterThanOrEqual(6);
  }, 30_000);
});
