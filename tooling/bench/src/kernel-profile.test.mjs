/* global performance */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { profileKernels, profileTable, summarizeProfile } from "./kernel-profile.mjs";

const spin = (ms) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe("per-kernel profile", () => {
  it("times each kernel call while recording only, counts calls, and restores the table", async () => {
    const seen = [];
    const slow = (out, inputs, attrs) => {
      seen.push([out, inputs, attrs]);
      spin(4);
    };
    const fast = () => 7;
    const backend = { kernels: { Slow: slow, Fast: fast } };
    const profiler = profileKernels(backend);
    backend.kernels.Slow("o", ["i"], { a: 1 }); // not recording: not counted
    const recorded = await profiler.record(async () => {
      backend.kernels.Slow("o2", [], {});
      backend.kernels.Slow("o3", [], {});
      expect(backend.kernels.Fast()).toBe(7); // results pass through
    });
    expect(seen).toEqual([["o", ["i"], { a: 1 }], ["o2", [], {}], ["o3", [], {}]]);
    expect(recorded.ops.get("Slow").calls).toBe(2);
    expect(recorded.ops.get("Slow").ms).toBeGreaterThanOrEqual(8);
    expect(recorded.ops.get("Fast").calls).toBe(1);
    expect(recorded.spanMs).toBeGreaterThanOrEqual(recorded.ops.get("Slow").ms);
    expect(recorded.minorFaults).toBeGreaterThanOrEqual(0);
    profiler.restore();
    expect(backend.kernels).toEqual({ Slow: slow, Fast: fast });
  });

  it("summarizes per step with the time outside kernels, sorted, with shares, and renders it", () => {
    const recorded = { spanMs: 200, minorFaults: 50, majorFaults: 2, ops: new Map([["MatMul", { ms: 120, calls: 10 }], ["Permute", { ms: 40, calls: 8 }], ["Fill", { ms: 2, calls: 4 }]]) };
    const profile = summarizeProfile(recorded, 2);
    expect(profile).toMatchObject({ steps: 2, stepMs: 100, kernelMs: 81, minorFaultsPerStep: 25, majorFaultsPerStep: 1 });
    expect(profile.ops).toEqual([
      { op: "MatMul", msPerStep: 60, callsPerStep: 5, share: 0.6 },
      { op: "Permute", msPerStep: 20, callsPerStep: 4, share: 0.2 },
      { op: "(outside kernels)", msPerStep: 19, callsPerStep: 0, share: 0.19 },
      { op: "Fill", msPerStep: 1, callsPerStep: 2, share: 0.01 },
    ]);
    const lines = profileTable(profile, 2).split("\n");
    expect(lines[0]).toBe("100.0 ms per step over 2 profiled steps (81.0 ms in kernels); page faults per step: 25 minor, 1 major.");
    expect(lines.slice(4)).toEqual(["| MatMul | 60.0 | 5 | 60.0% |", "| Permute | 20.0 | 4 | 20.0% |", "| 2 more ops | 20.0 | — | 20.0% |"]);
  });
});

const built = ["core", "nn", "optim"].every((name) => existsSync(new URL(`../../../packages/${name}/dist/index.js`, import.meta.url)));
if (!built) console.log("kernel-profile GPT test skipped: packages/{core,nn,optim}/dist is missing (run `npm run build` first)");

describe.runIf(built)("a profiled GPT step", () => {
  it("profiles extra steps on the cpu backend without touching the timed steps' losses", async () => {
    const { createCpuBackend } = await import("@adaptive-sparse/core");
    const { measureGpt } = await import("./gpt-measure.mjs");
    const backend = createCpuBackend();
    const setup = { config: { nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: 32 }, batch: 2, seq: 8, forwardBatch: 1, warmup: 1, steps: 1, forwardSteps: 1, profileSteps: 2, optimizer: { lr: 1e-2, betas: [0.9, 0.95], weightDecay: 0.1 } };
    const { losses, profile, stepMs } = await measureGpt(backend, setup);
    expect(losses).toHaveLength(2);
    expect(stepMs).toHaveLength(1);
    expect(profile.steps).toBe(2);
    const op = (name) => profile.ops.find((o) => o.op === name);
    // Per step: the 1-layer GPT's forward and backward GEMMs, and one fused AdamW update per parameter tensor.
    expect(op("MatMul").callsPerStep).toBeGreaterThan(10);
    expect(op("AdamWStep").callsPerStep).toBe(16); // wte, wpe, 12 in the block (4 Linears, 2 LayerNorms, each weight and bias), ln_f's 2
    expect(profile.kernelMs).toBeLessThanOrEqual(profile.stepMs);
  });
});
