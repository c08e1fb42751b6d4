import { describe, expect, it } from "vitest";
import { add, createCpuBackend, layerNorm, matmul, mul, sum, tensor, tidy } from "../src/index.js";

// Intermediates that backward never reads are freed when the code that made them is done with them, not at the
// end of the enclosing tidy (a GPT-2 124M training step at 2×1024: process peak 9.6 → 8.1 GB).
describe("buffers freed before the end of the step", () => {
  it("a batched product's buffer goes with its result: a Linear's product is freed once the bias is added", () => {
    const backend = createCpuBackend();
    const x = tensor([[[1, 2], [3, 4], [5, 6]]], { backend, requiresGrad: true }); // [1, 3, 2]
    const w = tensor([[1, 0], [0, 1], [1, 1]], { backend, requiresGrad: true }); // [3, 2]
    const b = tensor([10, 20, 30], { backend, requiresGrad: true });
    tidy(() => {
      const before = backend.liveBuffers();
      const product = matmul(x, w, { transB: true }); // [1, 3, 3], folded into one [3, 2] × [2, 3] GEMM
      const y = add(product, b);
      product.dispose();
      expect(backend.liveBuffers() - before).toBe(1); // y's buffer only
      expect(Array.from(y.dataSync())).toEqual([11, 22, 33, 13, 24, 37, 15, 26, 41]);
      sum(mul(y, y)).backward();
    });
    // d/dw Σ y² = 2 yᵀ x; d/db = 2 Σ_rows y; d/dx = 2 y w.
    expect(Array.from(w.grad!.dataSync())).toEqual([2 * (11 + 39 + 75), 2 * (22 + 52 + 90), 2 * (22 + 72 + 130), 2 * (44 + 96 + 156), 2 * (33 + 111 + 205), 2 * (66 + 148 + 246)]);
    expect(Array.from(b.grad!.dataSync())).toEqual([2 * (11 + 13 + 15), 2 * (22 + 24 + 26), 2 * (33 + 37 + 41)]);
    expect(Array.from(x.grad!.dataSync())).toEqual([2 * (11 + 33), 2 * (22 + 33), 2 * (13 + 37), 2 * (24 + 37), 2 * (15 + 41), 2 * (26 + 41)]);
  });

  it("layerNorm keeps the normalised rows for backward and frees their scaled copy once the bias is added", () => {
    const backend = createCpuBackend();
    const x = tensor([[1, 2, 4], [-3, 0, 3]], { backend, requiresGrad: true });
    const weight = tensor([1, 2, 3], { backend, requiresGrad: true });
    const bias = tensor([0.5, 0, -0.5], { backend, requiresGrad: true });
    const g = tensor([[1, -1, 2], [0.5, 3, -2]], { backend });
    const loss = (xs: number[]) =>
      tidy(() => sum(mul(layerNorm(tensor(xs, { backend, shape: [2, 3] }), weight.detach(), bias.detach()), g)).item());
    tidy(() => {
      const before = backend.liveBuffers();
      const y = layerNorm(x, weight, bias);
      expect(backend.liveBuffers() - before).toBe(2); // the normalised rows and y
      sum(mul(y, g)).backward();
    });
    // x's gradient against central differences of the same function.
    const x0 = Array.from(x.dataSync());
    const h = 1e-3;
    const numeric = x0.map((_, i) => {
      const up = x0.slice(), down = x0.slice();
      up[i]! += h;
      down[i]! -= h;
      return (loss(up) - loss(down)) / (2 * h);
    });
    Array.from(x.grad!.dataSync()).forEach((value, i) => expect(value).toBeCloseTo(numeric[i]!, 2));
    expect(Array.from(bias.grad!.dataSync())).toEqual([1.5, 2, 0]);
  });
});
