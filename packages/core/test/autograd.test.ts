import { describe, expect, it } from "vitest";
import { add, dropout, Generator, matmul, memory, mul, noGrad, rand, randn, sum, tensor, tidy, createCpuBackend } from "../src/index.js";

describe("autograd", () => {
  it("accumulates gradients into leaves across backward calls", () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    sum(mul(x, x)).backward();
    sum(mul(x, 3)).backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([5, 7, 9]);
  });

  it("retainGrad keeps an intermediate gradient; retainGraph allows a second pass", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = mul(x, 2).retainGrad();
    const z = sum(mul(y, y));
    z.backward(undefined, { retainGraph: true });
    expect(Array.from(y.grad!.dataSync())).toEqual([4, 8]);
    z.backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([16, 32]); // 8x per pass, accumulated twice
  });

  it("a tensor used twice gets both contributions", () => {
    const a = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    sum(matmul(a, a)).backward();
    // d/dA sum(A·A) = 1·Aᵀ + Aᵀ·1
    expect(Array.from(a.grad!.dataSync())).toEqual([7, 11, 9, 13]);
  });

  it("noGrad records nothing; detach cuts the graph", () => {
    const x = tensor([1], { requiresGrad: true });
    expect(noGrad(() => mul(x, 2)).requiresGrad).toBe(false);
    expect(x.detach().requiresGrad).toBe(false);
    expect(add(x.detach(), 1).node).toBeNull();
  });

  it("tidy frees intermediates and keeps results; no buffer leaks across training steps", () => {
    const backend = createCpuBackend();
    const w = randn([8, 8], { backend, generator: new Generator(1), requiresGrad: true });
    const x = randn([4, 8], { backend, generator: new Generator(2) });
    const liveTensors = memory().tensors;
    const liveBuffers = backend.liveBuffers();
    for (let step = 0; step < 3; step++) {
      const loss = tidy(() => {
        const l = sum(matmul(x, w, { transB: true }).tanh());
        l.backward();
        return l.item();
      });
      expect(Number.isFinite(loss)).toBe(true);
      w.zeroGrad();
      expect(memory().tensors).toBe(liveTensors);
      expect(backend.liveBuffers()).toBe(liveBuffers);
    }
  });

  it("frees each gradient as soon as the sweep has used it: peak buffers in backward stay flat in depth", () => {
    const peakDuringBackward = (depth: number) => {
      const backend = createCpuBackend();
      let live = 0;
      let peak = 0;
      const counting = {
        ...backend,
        alloc: (dtype: Parameters<typeof backend.alloc>[0], size: number) => (peak = Math.max(peak, ++live), backend.alloc(dtype, size)),
        free: (handle: Parameters<typeof backend.free>[0]) => (live--, backend.free(handle)),
      };
      const x = randn([64], { backend: counting, generator: new Generator(3), requiresGrad: true });
      return tidy(() => {
        let y = x;
        for (let i = 0; i < depth; i++) y = mul(y.tanh(), 1.5);
        const loss = sum(y);
        const before = live;
        peak = live;
        loss.backward();
        // Forward buffers stay (tidy owns them); only a handful of gradient buffers are alive at once.
        return { extra: peak - before, grad: Array.from(x.grad!.dataSync()) };
      });
    };
    const shallow = peakDuringBackward(4);
    const deep = peakDuringBackward(40);
    expect(deep.extra).toBe(shallow.extra);
    expect(deep.extra).toBeLessThanOrEqual(8);
  });

  it("async reads return the same values as sync reads", async () => {
    const x = tensor([[1.5, -2], [3, 4]]);
    expect(await x.array()).toEqual([[1.5, -2], [3, 4]]);
    expect(Array.from(await x.data())).toEqual(Array.from(x.dataSync()));
  });
});

describe("seeded randomness", () => {
  it("is reproducible and resumable", () => {
    const g = new Generator(42);
    const first = rand([5], { generator: g }).dataSync();
    const state = g.state();
    const second = rand([5], { generator: g }).dataSync();
    expect(rand([5], { generator: new Generator(42) }).dataSync()).toEqual(first);
    expect(rand([5], { generator: new Generator(0).restore(state) }).dataSync()).toEqual(second);
  });

  it("randn has mean ~0 and variance ~1", () => {
    const values = randn([20000], { generator: new Generator(3), dtype: "f64" }).dataSync();
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
  });

  it("dropout zeroes about p, rescales the rest, is seeded, and is the identity in eval", () => {
    const x = tensor(new Float32Array(10000).fill(1));
    const y = dropout(x, 0.25, { generator: new Generator(5) }).dataSync();
    const kept = y.filter((v) => v !== 0);
    expect(Math.abs(kept.length / 10000 - 0.75)).toBeLessThan(0.02);
    expect(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    expect(dropout(x, 0.25, { generator: new Generator(5) }).dataSync()).toEqual(y);
    expect(dropout(x, 0.25, { training: false }).dataSync()).toEqual(x.dataSync());
    expect(() => dropout(x, 1)).toThrow(/dropout: p must be in \[0, 1\)/);
  });
});
