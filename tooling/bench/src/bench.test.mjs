import { describe, expect, it } from "vitest";
import { onnxMatMulModel } from "./onnx-matmul.mjs";
import { measureInterleaved, median } from "./measure.mjs";
import { gemmTables } from "./report.mjs";

describe("bench helpers", () => {
  it("writes an ONNX MatMul model that onnxruntime-node loads and runs", async () => {
    const ort = await import("onnxruntime-node");
    const session = await ort.InferenceSession.create(onnxMatMulModel(2, 3, 2), { intraOpNumThreads: 1 });
    const { C } = await session.run({
      A: new ort.Tensor("float32", Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]),
      B: new ort.Tensor("float32", Float32Array.from([7, 8, 9, 10, 11, 12]), [3, 2]),
    });
    expect(Array.from(C.data)).toEqual([58, 64, 139, 154]);
    expect(C.dims).toEqual([2, 2]);
    await session.release();
  });

  it("takes medians, runs implementations in alternating rounds and honours the sample bounds", async () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    const order = [];
    const timings = await measureInterleaved([() => void order.push("a"), async () => void order.push("b")], { warmup: 1, minSamples: 4, maxSamples: 6, minTimeMs: 0 });
    expect(timings.map((t) => t.samples)).toEqual([4, 4]);
    expect(order.join("")).toBe("ababababab"); // 1 warm-up round + 4 timed rounds
  });

  it("renders GFLOP/s and ratios of ours to each peer", () => {
    const shape = { m: 2, k: 2, n: 2 };
    const results = [
      { impl: "ours", shape: "2³", gflops: 30 },
      { impl: "peer", shape: "2³", gflops: 20 },
    ];
    const text = gemmTables([shape], results, ["ours"], ["peer"]);
    expect(text).toContain("| ours | 30.0 |");
    expect(text).toContain("| ours ÷ peer | 1.50× |");
  });
});
