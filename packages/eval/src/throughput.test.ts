import { ConfigError, memory, tensor } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { BigramPositionModel } from "./stand-in-models.js";
import { measureThroughput, throughputBatch, throughputEvaluator } from "./throughput.js";

// No timing assertions: only the bookkeeping is checked.
describe("measureThroughput", () => {
  it("runs warmup + iterations forward passes and counts B · T · iterations tokens", async () => {
    const model = new BigramPositionModel(11, 8);
    const idx = throughputBatch(2, 8, 11);
    expect(Math.max(...(idx.dataSync() as Int32Array))).toBeLessThan(11);
    const before = memory().tensors;
    const result = await measureThroughput(model, idx, { iterations: 3, warmup: 2 });
    expect(memory().tensors).toBe(before);
    expect(model.calls.length).toBe(5);
    expect(result).toMatchObject({ tokens: 48, iterations: 3 });
    expect(result.tokensPerSecond).toBeGreaterThan(0);
    expect(model.training).toBe(true);
    idx.dispose();
    model.dispose();
  });

  it("the plugin times a synthetic [batchSize, seqLen] batch and validates options", async () => {
    const model = new BigramPositionModel(11, 8);
    const before = memory().tensors;
    const { metrics } = await throughputEvaluator.run({ model }, { batchSize: 3, iterations: 1, warmup: 0 });
    expect(memory().tensors).toBe(before);
    expect(model.calls).toEqual([[3, 8]]);
    expect(metrics.tokens).toBe(24);
    await expect(throughputEvaluator.run({ model }, { seqLen: 9 })).rejects.toThrow(/seqLen 9 exceeds the model's blockSize 8/);
    await expect(measureThroughput(model, tensor([1, 2]), {})).rejects.toThrow(ConfigError);
    model.dispose();
  });
});
