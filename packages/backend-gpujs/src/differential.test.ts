import {
  add, argmax, concat, createCpuBackend, expand, gather, groupTopK, matmul, max, maximum, mul, pad, permute, pow, scatterAdd, slice, sum,
  tensor, where, type Backend, type DType, type Tensor,
} from "@adaptive-sparse/core";
import { relativeError } from "@adaptive-sparse/conformance";
import { beforeAll, describe, expect, it } from "vitest";
import { createGpuJsBackend, type GpuJsBackend } from "./backend.js";
import { randomValues } from "./test-values.js";

interface Input {
  data: number[];
  shape: number[];
  dtype?: DType;
}

const rand = (shape: number[], seed = 1): Input => ({ shape, data: randomValues(shape.reduce((p, d) => p * d, 1), seed) });

/** Runs `fn` on the cpu backend and on gpu.js with the same inputs; integer outputs must match exactly. */
async function agree(backend: Backend, inputs: Input[], fn: (...xs: Tensor[]) => Tensor, exact = false) {
  const run = (b: Backend) => fn(...inputs.map((input) => tensor(input.data, { shape: input.shape, dtype: input.dtype ?? "f32", backend: b })));
  const expected = run(createCpuBackend());
  const actual = run(backend);
  expect(actual.shape).toEqual(expected.shape);
  const [a, e] = [Array.from(await actual.data()), Array.from(await expected.data())];
  if (exact || expected.dtype !== "f32") expect(a).toEqual(e);
  else expect(relativeError(a, e)).toBeLessThanOrEqual(1e-5);
}

describe("gpujs (webasm) against the cpu backend past the fixtures' sizes", () => {
  let gpu: GpuJsBackend;
  beforeAll(async () => {
    gpu = await createGpuJsBackend({ mode: "webasm" });
  });

  it("runs f32 primitives on gpu.js itself, not the fallback", async () => {
    await agree(gpu, [rand([20, 30], 1), rand([30, 40], 2)], (a, b) => matmul(a, b));
    await agree(gpu, [rand([30, 20], 3), rand([40, 30], 4)], (a, b) => matmul(a, b, { transA: true, transB: true }));
    await agree(gpu, [rand([2, 1, 5, 7], 5), rand([3, 7, 6], 6)], (a, b) => matmul(a, b));
    await agree(gpu, [rand([300, 5, 7], 7)], (x) => sum(x, [0, 2]));
    await agree(gpu, [rand([4, 700], 8)], (x) => argmax(x, 1));
    await agree(gpu, [rand([4, 1, 5], 9), rand([3, 1], 10)], (a, b) => add(a, b));
    await agree(gpu, [rand([2, 3, 4], 11)], (x) => pad(permute(x, [2, 0, 1]), [1, 0, 2], [0, 3, 1]));
    await agree(gpu, [rand([2, 3], 12), rand([2, 1], 13), rand([2, 4], 14)], (a, b, c) => concat([a, b, c], 1));
    await agree(gpu, [rand([3, 1], 15)], (x) => expand(slice(x, [1, 0], [2, 1]), [4, 2, 5]));
    const indices = randomValues(60, 3).map((v) => Math.floor((v + 1) * 5));
    await agree(gpu, [rand([10, 3], 16), { data: indices, shape: [6, 10], dtype: "i32" }], (t, i) => gather(t, i));
    await agree(gpu, [rand([60, 3], 17), { data: indices, shape: [60], dtype: "i32" }], (s, i) => scatterAdd(s, i, 10), true);
    await agree(gpu, [{ data: [5, 5, 5, 5, 1, 2, 2, 1, 0, -0, 3, 3, -1, 4, 4, -1], shape: [2, 8] }], (x) => groupTopK(x, 4, 8));
    const routes = gpu.stats().routes;
    for (const op of ["MatMul", "ReduceSum", "ArgMax", "Add", "Pad", "Permute", "Concat", "Expand", "Slice", "Gather", "ScatterAdd", "GroupTopK"] as const) {
      expect(routes[op]?.gpujs, op).toBeGreaterThan(0);
      expect(routes[op]?.cpu, op).toEqual({});
    }
    expect(gpu.stats().modesUsed).toEqual(["webasm"]);
  });

  it("sends NaN inputs of max-like ops, integer data and casts to the cpu kernels, with the reason", async () => {
    const withNaN = { data: [1, NaN, 3, 4, 5, 6], shape: [2, 3] };
    await agree(gpu, [withNaN], (x) => max(x, 1), true);
    await agree(gpu, [withNaN, rand([3])], (a, b) => maximum(a, b), true);
    await agree(gpu, [{ data: [1, 2, 3], shape: [3], dtype: "i32" }, { data: [2 ** 24, 1, -5], shape: [3], dtype: "i32" }], (a, b) => add(a, b));
    await agree(gpu, [{ data: [1, 0, 1], shape: [3], dtype: "u8" }, rand([2, 3]), rand([1])], (c, a, b) => where(c, a, b));
    const routes = gpu.stats().routes;
    expect(Object.keys(routes.ReduceMax?.cpu ?? {})).toEqual([expect.stringMatching(/^NaN input/)]);
    expect(Object.keys(routes.Add?.cpu ?? {})).toEqual([expect.stringMatching(/^integer or mask data/)]);
    expect(routes.Where?.gpujs).toBeGreaterThan(0);
  });

  it("throws the cpu kernels' errors for bad indices and NaN scores, synchronously", () => {
    const table = tensor([[1, 2], [3, 4]], { backend: gpu });
    expect(() => gather(table, tensor([0, 2], { dtype: "i32", backend: gpu }))).toThrow(/Gather: index 2 at position 1 is out of range/);
    expect(() => groupTopK(tensor([1, NaN, 3, 4], { backend: gpu }), 2, 4)).toThrow(/GroupTopK: score at row 0, column 1 is NaN/);
  });

  it("reads synchronously in the webasm and cpu modes", () => {
    expect(gpu.capabilities.syncRead).toBe(true);
    expect(Array.from(mul(tensor([1, 2], { backend: gpu }), 3).dataSync())).toEqual([3, 6]);
  });

  it("pow with negative bases matches JavaScript", async () => {
    await agree(gpu, [{ data: [-2, -2, -2, 0, 0, 2.5, -0.5], shape: [7] }, { data: [3, 2, 0.5, 0, -1, 1.5, -3], shape: [7] }], (a, b) => pow(a, b));
  });
});
