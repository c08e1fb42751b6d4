import { matmul, softmax, tensor } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { createGpuJsBackend } from "./backend.js";

describe("README example", () => {
  it("runs softmax(x·x) on webasm and reports the route", async () => {
    const backend = await createGpuJsBackend({ mode: "webasm" });
    const x = tensor([[1, 2], [3, 4]], { backend });
    const y = Array.from(softmax(matmul(x, x), -1).dataSync());
    // x·x = [[7, 10], [15, 22]]: softmax rows are [σ(-3), σ(3)] and [σ(-7), σ(7)].
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    [s(-3), s(3), s(-7), s(7)].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 6));
    expect(backend.stats().routes.MatMul).toEqual({ gpujs: 1, cpu: {} });
  });
});
