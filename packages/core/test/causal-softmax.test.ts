import { describe, expect, it } from "vitest";
import { causalSoftmax, createCpuBackend, matmul, tensor, tidy, type Backend, type BufferInfo } from "../src/index.js";

type Info = BufferInfo<Float32Array | Float64Array>;

/** A cpu backend with plain-loop CausalSoftmax kernels, to exercise the fused op's path and its VJP. */
function withFusedRows(): Backend {
  const cpu = createCpuBackend();
  const rows = (out: Info, body: (base: number, i: number, w: number) => void) => {
    const w = out.shape[out.shape.length - 1]!;
    for (let r = 0; r < out.handle.length / w; r++) body(r * w, r % w, w);
  };
  const kernels = {
    CausalSoftmax: (out: Info, [x]: Info[], { scale }: { scale: number }) => rows(out, (base, i, w) => {
      let [m, s] = [-Infinity, 0];
      for (let j = 0; j <= i; j++) m = Math.max(m, scale * x!.handle[base + j]!);
      for (let j = 0; j <= i; j++) s += Math.exp(scale * x!.handle[base + j]! - m);
      for (let j = 0; j < w; j++) out.handle[base + j] = j <= i ? Math.exp(scale * x!.handle[base + j]! - m) / s : 0;
    }),
    CausalSoftmaxGrad: (out: Info, [g, y]: Info[], { scale }: { scale: number }) => rows(out, (base, _i, w) => {
      let dot = 0;
      for (let j = 0; j < w; j++) dot += g!.handle[base + j]! * y!.handle[base + j]!;
      for (let j = 0; j < w; j++) out.handle[base + j] = scale * y!.handle[base + j]! * (g!.handle[base + j]! - dot);
    }),
  };
  return { ...cpu, name: "cpu-fused-rows", kernels: { ...cpu.kernels, ...kernels } as Backend["kernels"] };
}

const close = (actual: ArrayLike<number>, expected: number[]) => expected.forEach((v, k) => expect(actual[k]).toBeCloseTo(v, 7));

describe("causalSoftmax", () => {
  // Rows [1, 5] and [2, 4] at scale 0.5: row 0 sees only column 0; row 1 is softmax(1, 2) = (1, e)/(1 + e).
  const p = 1 / (1 + Math.E);
  const q = Math.E / (1 + Math.E);
  const dot = p + 2 * q; // Σ g⊙y of row 1 for the cotangent row [1, 2]
  const dx = [0, 0, 0.5 * p * (1 - dot), 0.5 * q * (2 - dot)];

  for (const [label, make] of [["decomposition (cpu)", () => createCpuBackend()], ["fused kernels", withFusedRows]] as const) {
    it(`${label}: hand-computed probabilities and gradient dx = scale·y⊙(g − Σ g⊙y)`, () => {
      const backend = make();
      const x = tensor([[1, 5], [2, 4]], { dtype: "f64", backend, requiresGrad: true });
      const y = tidy(() => {
        const out = causalSoftmax(x, 0.5);
        out.backward(tensor([[3, 7], [1, 2]], { dtype: "f64", backend }));
        return out;
      });
      close(y.dataSync(), [1, 0, p, q]);
      close(x.grad!.dataSync(), dx);
    });
  }

  it("the fused op's backward reads only the output: the scores can be disposed right after forward", () => {
    const backend = withFusedRows();
    const a = tensor([[1, 2], [3, -1]], { dtype: "f64", backend, requiresGrad: true });
    const grad = tidy(() => {
      const scores = matmul(a, a, { transB: true });
      const y = causalSoftmax(scores, 0.5);
      scores.dispose();
      y.backward(tensor([[3, 7], [1, 2]], { dtype: "f64", backend }));
      return a.grad!;
    });
    const cpu = createCpuBackend();
    const b = tensor([[1, 2], [3, -1]], { dtype: "f64", backend: cpu, requiresGrad: true });
    tidy(() => causalSoftmax(matmul(b, b, { transB: true }), 0.5).backward(tensor([[3, 7], [1, 2]], { dtype: "f64", backend: cpu })));
    close(grad.dataSync(), Array.from(b.grad!.dataSync()));
  });

  it("names the op, the shape and the fix for bad input", () => {
    expect(() => causalSoftmax(tensor([[1, 2, 3], [4, 5, 6]]), 1)).toThrow("causalSoftmax: scores must be [..., T, T] (one row per query, one column per key), got [2, 3]");
    expect(() => causalSoftmax(tensor([1, 2]), 1)).toThrow("got [2]");
    expect(() => causalSoftmax(tensor([[1, 2], [3, 4]]), Number.NaN)).toThrow("causalSoftmax: scale must be a finite number (e.g. 1/√headDim), got NaN");
    expect(() => causalSoftmax(tensor([[1, 2], [3, 4]], { dtype: "i32" }), 1)).toThrow(/causalSoftmax.*scores/);
  });
});
