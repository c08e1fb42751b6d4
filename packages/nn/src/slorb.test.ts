import { ConfigError, Generator, randn, tidy } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { ModuleError } from "./errors.js";
import { random24 } from "./test-helpers.js";
import { SparseLinear } from "./sparse-linear.js";

const [OUT, IN, K] = [3, 16, 4];

/** A SparseLinear with seeded weights and a seeded 2:4 mask. */
function maskedLayer(seed = 1): SparseLinear {
  const layer = new SparseLinear(IN, OUT, { generator: new Generator(seed), std: 1 });
  tidy(() => layer.setMask(random24(OUT, IN, new Generator(seed + 100))));
  return layer;
}

/** Row-major host copies of W, M and S. */
function host(layer: SparseLinear) {
  return { w: layer.weight.dataSync(), m: layer.mask.dataSync(), s: layer.slorb!.s.dataSync() };
}

describe("SLoRB", () => {
  it("mean init: Σ_block (M₀ ⊙ W) + k·S = Σ_block W for every row and block (method.md §10.1 item 12)", () => {
    const layer = maskedLayer();
    const state = layer.enableSlorb({ groupSize: K });
    expect(state.s.shape).toEqual([OUT, IN / K]);
    const { w, m, s } = host(layer);
    for (let r = 0; r < OUT; r++) {
      for (let j = 0; j < IN / K; j++) {
        let kept = 0;
        let dense = 0;
        for (let c = j * K; c < (j + 1) * K; c++) {
          kept += m[r * IN + c] * w[r * IN + c];
          dense += w[r * IN + c];
        }
        expect(kept + K * s[r * (IN / K) + j]).toBeCloseTo(dense, 5);
      }
    }
  });

  it("trainable P starts as the block indicator; S and P are decayed matrices without a mask", () => {
    const { p, s } = maskedLayer().enableSlorb({ groupSize: K, trainableProjection: true });
    expect(p!.shape).toEqual([IN / K, IN]);
    const values = p!.dataSync();
    for (let i = 0; i < IN / K; i++) for (let j = 0; j < IN; j++) expect(values[i * IN + j]).toBe(Math.floor(j / K) === i ? 1 : 0);
    for (const param of [s, p!]) {
      expect(param.weightDecay).toBe(true);
      expect("mask" in param).toBe(false); // S never receives the pruned-weight decay (masks live in SparseLinear only)
    }
  });

  it("sum and zero inits", () => {
    const summed = maskedLayer();
    summed.enableSlorb({ groupSize: K, init: "sum" });
    const { w, m, s } = host(summed);
    let expected = 0;
    for (let c = 0; c < K; c++) expected += (1 - m[c]) * w[c];
    expect(s[0]).toBeCloseTo(expected, 5);
    const zero = maskedLayer();
    expect([...zero.enableSlorb({ groupSize: K, init: "zero" }).s.dataSync()].every((v) => v === 0)).toBe(true);
  });

  it("fixed and trainable P give equal outputs at init, equal to x · (M ⊙ W + S expanded over blocks)ᵀ + b", () => {
    const fixed = maskedLayer(3);
    const trainable = maskedLayer(3);
    fixed.enableSlorb({ groupSize: K, trainableProjection: false });
    trainable.enableSlorb({ groupSize: K, trainableProjection: true });
    expect(fixed.slorb!.p).toBeNull();
    expect(fixed.namedParameters().map(([n]) => n)).toEqual(["weight", "bias", "slorb_s"]);
    expect(trainable.namedParameters().map(([n]) => n)).toEqual(["weight", "bias", "slorb_s", "slorb_p"]);
    const x = randn([2, 5, IN], { generator: new Generator(8) });
    const { w, m, s } = host(fixed);
    const folded = new Float32Array(OUT * IN).map((_, i) => m[i] * w[i] + s[Math.floor(i / IN) * (IN / K) + Math.floor((i % IN) / K)]);
    const [a, b, reference] = tidy(() => {
      return [[...fixed.call(x).dataSync()], [...trainable.call(x).dataSync()], referenceOutput(x, folded, fixed.bias!.dataSync())];
    });
    for (let i = 0; i < a.length; i++) {
      expect(b[i]).toBeCloseTo(a[i], 5);
      expect(a[i]).toBeCloseTo(reference[i], 4);
    }
  });

  it("sends gradients to S and to a trainable P", () => {
    const layer = maskedLayer();
    layer.enableSlorb({ groupSize: K, init: "xavier", generator: new Generator(3) });
    const bound = Math.sqrt(6 / (OUT + IN / K));
    expect(Math.max(...layer.slorb!.s.dataSync().map(Math.abs))).toBeLessThanOrEqual(bound);
    tidy(() => layer.call(randn([4, IN])).square().sum().backward());
    expect(layer.slorb!.s.grad!.shape).toEqual([OUT, IN / K]);
    expect(layer.slorb!.p!.grad!.shape).toEqual([IN / K, IN]);
    expect(Math.max(...layer.slorb!.p!.grad!.dataSync().map(Math.abs))).toBeGreaterThan(0);
  });

  it("rejects a group size that does not divide the input width, bad options, and a second enable", () => {
    expect(() => maskedLayer().enableSlorb({ groupSize: 5 }, "transformer.h.0.mlp.c_fc")).toThrow(
      /groupSize k=5 does not divide the input width 16 of transformer.h.0.mlp.c_fc \[3, 16\]/,
    );
    expect(() => maskedLayer().enableSlorb({ groupSize: 4, init: "xavier", trainableProjection: false })).toThrow(/needs trainableProjection: true/);
    expect(() => maskedLayer().enableSlorb({ groupSize: 4, rank: 2 } as never)).toThrow(ConfigError);
    expect(() => maskedLayer().enableSlorb({ groupSize: 4, init: "kaiming" as never })).toThrow(/init/);
    const layer = maskedLayer();
    layer.enableSlorb({ groupSize: 4 });
    expect(() => layer.enableSlorb({ groupSize: 4 })).toThrow(ModuleError);
  });
});

/** x [..., IN] · Wᵀ + b on the host, in float64. */
function referenceOutput(x: { dataSync(): ArrayLike<number> }, w: Float32Array, b: ArrayLike<number>): number[] {
  const xs = x.dataSync();
  const out: number[] = [];
  for (let row = 0; row < xs.length / IN; row++) {
    for (let o = 0; o < OUT; o++) {
      let acc = b[o];
      for (let c = 0; c < IN; c++) acc += xs[row * IN + c] * w[o * IN + c];
      out.push(acc);
    }
  }
  return out;
}
