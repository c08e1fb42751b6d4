import {
  argmax, cast, concat, createCpuBackend, expand, gather, groupTopK, matmul, max, maximum, pad, permute, pow, scatterAdd, slice, sum,
  tensor, type Backend, type DType, type Tensor, where, lt, eq, add, mul, neg, tanh, softmax, logSoftmax, layerNorm, gelu, tidy,
} from "@adaptive-sparse/core";
import { relativeError } from "@adaptive-sparse/conformance";
import { beforeAll, describe, expect, it } from "vitest";
import { hasAdapter, randomValues, sharedBackend } from "./test-device.js";

interface Input {
  data: number[];
  shape: number[];
  dtype?: DType;
}

/**
 * Runs `fn` on the cpu backend (the oracle) and on webgpu with the same inputs, and compares: exactly for
 * integer/mask outputs and where `exact` is set, else by the conformance suite's relative ‖·‖∞ error.
 */
async function agree(gpu: Backend, inputs: Input[], fn: (...xs: Tensor[]) => Tensor, options: { exact?: boolean; tolerance?: number } = {}) {
  const run = (backend: Backend) => {
    const xs = inputs.map((input) => tensor(input.data, { shape: input.shape, dtype: input.dtype ?? "f32", backend }));
    const out = fn(...xs);
    xs.forEach((x) => x.dispose());
    return out;
  };
  const expected = run(createCpuBackend());
  const actual = run(gpu);
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.dtype).toBe(expected.dtype);
  const [a, e] = [Array.from(await actual.data()), Array.from(await expected.data())];
  actual.dispose();
  expected.dispose();
  if (options.exact || expected.dtype !== "f32") expect(a).toEqual(e);
  else expect(relativeError(a, e)).toBeLessThanOrEqual(options.tolerance ?? 1e-5);
}

const rand = (shape: number[], seed = 1, scale = 1): Input => ({
  shape,
  data: randomValues(shape.reduce((p, d) => p * d, 1), seed).map((v) => v * scale),
});

describe.runIf(await hasAdapter())("webgpu kernels against the cpu backend", () => {
  let gpu: Backend;
  beforeAll(async () => {
    gpu = await sharedBackend();
  });

  it("reductions: long axes (one workgroup per output), non-adjacent axes, i32", async () => {
    await agree(gpu, [rand([3, 1000])], (x) => sum(x, 1));
    await agree(gpu, [rand([300, 5, 7], 2)], (x) => sum(x, [0, 2], true));
    await agree(gpu, [rand([2, 600, 3], 3)], (x) => max(x, 1), { exact: true });
    await agree(gpu, [rand([4, 700], 4)], (x) => argmax(x, 1));
    await agree(gpu, [rand([900, 2], 5)], (x) => argmax(x, 0));
    await agree(gpu, [{ data: [3, -7, 3, 9, 9, 1], shape: [2, 3], dtype: "i32" }], (x) => sum(x, 1));
    await agree(gpu, [{ data: [3, -7, 3, 9, 9, 1], shape: [2, 3], dtype: "i32" }], (x) => max(x, 0));
  });

  it("reductions and maximum propagate NaN; argmax picks the first NaN, ties go to the first index", async () => {
    const long = randomValues(600, 7);
    long[321] = NaN;
    long[400] = NaN;
    await agree(gpu, [{ data: long, shape: [2, 300] }], (x) => max(x, 1), { exact: true });
    await agree(gpu, [{ data: long, shape: [600] }], (x) => argmax(x, 0));
    await agree(gpu, [{ data: [1, 5, 5, -Infinity, -Infinity, -Infinity], shape: [2, 3] }], (x) => argmax(x, 1));
    await agree(gpu, [{ data: [1, NaN, 3, 4], shape: [4] }, { data: [2, 2, NaN, 1], shape: [4] }], (a, b) => maximum(a, b), { exact: true });
  });

  it("matmul: every transpose variant past one 64×64 tile, batch broadcasting", async () => {
    const [m, k, n] = [70, 90, 130];
    await agree(gpu, [rand([m, k], 1), rand([k, n], 2)], (a, b) => matmul(a, b));
    await agree(gpu, [rand([k, m], 3), rand([k, n], 4)], (a, b) => matmul(a, b, { transA: true }));
    await agree(gpu, [rand([m, k], 5), rand([n, k], 6)], (a, b) => matmul(a, b, { transB: true }));
    await agree(gpu, [rand([k, m], 7), rand([n, k], 8)], (a, b) => matmul(a, b, { transA: true, transB: true }));
    await agree(gpu, [rand([2, 1, 17, 33], 9), rand([3, 33, 65], 10)], (a, b) => matmul(a, b));
    await agree(gpu, [rand([4, 0], 11), rand([0, 3], 12)], (a, b) => matmul(a, b));
  });

  it("binary ops broadcast through strided reads, on f32, i32 and u8", async () => {
    await agree(gpu, [rand([4, 1, 5], 1), rand([3, 1], 2)], (a, b) => add(a, b));
    await agree(gpu, [rand([2, 3, 4], 3), rand([2, 1, 4], 4)], (a, b) => mul(a, b));
    const ints = { data: [1, -2, 3, 4, -5, 6], shape: [2, 3], dtype: "i32" as const };
    await agree(gpu, [ints, { data: [10, -20, 30], shape: [3], dtype: "i32" }], (a, b) => add(a, b));
    await agree(gpu, [ints, { data: [1, 4], shape: [2, 1], dtype: "i32" }], (a, b) => lt(a, b));
    await agree(gpu, [{ data: [0, 1, 1, 0], shape: [4], dtype: "u8" }, { data: [1], shape: [], dtype: "u8" }], (a, b) => eq(a, b));
    await agree(gpu, [ints], (x) => neg(x));
  });

  it("pow follows JavaScript on negative bases, zero and fractional exponents", async () => {
    const bases = [-2, -2, -2, 0, 0, 0, 2.5, -0.5, 1, 3, -3, 0.25];
    const exps = [3, 2, 0.5, 0, -1, 2.5, 1.5, -3, 100, -2, 65, 0.5];
    await agree(gpu, [{ data: bases, shape: [12] }, { data: exps, shape: [12] }], (a, b) => pow(a, b));
  });

  it("tanh saturates without NaN; casts truncate, wrap to a byte, and send NaN to 0", async () => {
    await agree(gpu, [{ data: [-100, -20, -1e-3, 0, 1e-3, 0.5, 20, 100, NaN], shape: [9] }], (x) => tanh(x));
    const values = { data: [-3.7, -1, -0.5, 0, 0.9, 2.5, 255.9, 256, 300, NaN], shape: [10] };
    await agree(gpu, [values], (x) => cast(x, "i32"));
    await agree(gpu, [values], (x) => cast(x, "u8"));
    await agree(gpu, [{ data: [-1, 0, 7, 256, 1000], shape: [5], dtype: "i32" }], (x) => cast(x, "u8"));
    await agree(gpu, [{ data: [0, 1, 255], shape: [3], dtype: "u8" }], (x) => cast(x, "f32"));
    await agree(gpu, [{ data: [0, 1, 255], shape: [3], dtype: "u8" }], (x) => cast(x, "i32"));
  });

  it("movement ops on every dtype", async () => {
    const u8 = { data: Array.from({ length: 24 }, (_, i) => i % 3), shape: [2, 3, 4], dtype: "u8" as const };
    const i32 = { ...u8, data: u8.data.map((v, i) => v * 1000 - i), dtype: "i32" as const };
    for (const x of [u8, i32, rand([2, 3, 4])]) {
      await agree(gpu, [x], (t) => permute(t, [2, 0, 1]));
      await agree(gpu, [x], (t) => slice(t, [1, 0, 1], [1, 2, 3]));
      await agree(gpu, [x], (t) => pad(t, [0, 1, 2], [1, 0, 3]));
      await agree(gpu, [x], (t) => concat([t, slice(t, [0, 0, 0], [2, 3, 1])], 2));
      await agree(gpu, [x], (t) => expand(slice(t, [0, 0, 0], [1, 3, 1]), [5, 3, 4]));
    }
    await agree(gpu, [{ data: [1, 0, 1], shape: [3], dtype: "u8" }, rand([2, 3]), rand([1])], (c, a, b) => where(c, a, b));
  });

  it("gather and scatter-add with repeated indices (scatter sums in source order, bit for bit)", async () => {
    const indices = randomValues(500, 3).map((v) => Math.floor((v + 1) * 20));
    await agree(gpu, [rand([40, 7]), { data: indices, shape: [10, 50], dtype: "i32" }], (t, i) => gather(t, i));
    await agree(gpu, [rand([500, 7], 4, 1000), { data: indices, shape: [500], dtype: "i32" }], (s, i) => scatterAdd(s, i, 40), { exact: true });
    await agree(gpu, [rand([6, 2]), { data: [5, 5, 5, 5, 5, 5], shape: [6], dtype: "i32" }], (s, i) => scatterAdd(s, i, 7), { exact: true });
    await agree(gpu, [{ data: [1, 2, 3, 4, 5, 6], shape: [3, 2], dtype: "i32" }, { data: [2, 0, 2], shape: [3], dtype: "i32" }], (s, i) => scatterAdd(s, i, 3));
  });

  it("group top-k: ties prune the lower index first, for 2:4, 4:8 and 8:16", async () => {
    const ties = [5, 5, 5, 5, 1, 2, 2, 1, 0, -0, 3, 3, -Infinity, Infinity, Infinity, -Infinity];
    for (const [n, m] of [[2, 4], [4, 8], [8, 16], [0, 4], [4, 4]]) {
      await agree(gpu, [{ data: ties, shape: [1, 16] }], (x) => groupTopK(x, n, m));
      await agree(gpu, [rand([33, 64], n + m)], (x) => groupTopK(x, n, m));
    }
  });

  it("fused softmax, log-softmax, layer norm and GELU match the cpu kernels, with their gradients, on long rows", async () => {
    const withGrad = (fn: (x: Tensor) => Tensor) => (x: Tensor) =>
      tidy(() => {
        x.requireGrad();
        const y = fn(x);
        mul(y, tensor(randomValues(y.shape.reduce((a, b) => a * b, 1), 9), { shape: y.shape, backend: y.backend })).sum().backward();
        return concat([y.reshape([-1]), x.grad!.reshape([-1])], 0);
      });
    for (const shape of [[3, 700], [5, 7]]) {
      await agree(gpu, [rand(shape, 1, 4)], withGrad((x) => softmax(x, -1)));
      await agree(gpu, [rand(shape, 2, 4)], withGrad((x) => logSoftmax(x, -1)));
      await agree(gpu, [rand(shape, 3, 4)], withGrad((x) => layerNorm(x, null, null, 1e-5)));
      await agree(gpu, [rand(shape, 4, 8)], withGrad((x) => gelu(x)));
    }
  });

  it("grids past 65535 workgroups fold into two dimensions", async () => {
    const n = 65536 * 256 + 300;
    const ones = new Float32Array(n).fill(1.5);
    const x = tensor(ones, { backend: gpu });
    const y = neg(x);
    const total = sum(y);
    expect(Array.from(await total.data())).toEqual([-1.5 * n]);
    [x, y, total].forEach((t) => t.dispose());
  });
});
