import { ConfigError, DTypeError, ShapeError, createCpuBackend, tensor, type Tensor } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { AdamW } from "./adamw.js";
import { OptimError } from "./errors.js";

const param = (values: number[], shape = [values.length]): Tensor => tensor(values, { shape }).requireGrad();
const setGrad = (p: Tensor, values: number[]): void => {
  p.grad = tensor(values, { shape: p.shape });
};
const values = (t: Tensor): number[] => [...t.dataSync()];
const f = Math.fround;

describe("AdamW, textbook (no mask)", () => {
  it("matches a hand-computed first step: p(1−lr·wd) − lr·g/(|g| + ε)", () => {
    // k = 1: μ = 0.1g, v = 0.05g², so the step is lr/0.1 · 0.1g / (|g|·√0.05/√0.05 + ε).
    const w = param([0.5, -1.25, 2, 0], [2, 2]);
    setGrad(w, [0.25, -0.5, 0, 1]);
    const optimizer = new AdamW([w], { lr: 0.01, weightDecay: 0.1, betas: [0.9, 0.95], eps: 1e-8 });
    optimizer.step();
    const shrink = 1 - 0.01 * 0.1;
    const expected = [
      f(0.5 * shrink) - (0.01 * 0.25) / (0.25 + 1e-8),
      f(-1.25 * shrink) + (0.01 * 0.5) / (0.5 + 1e-8),
      f(2 * shrink),
      0 - (0.01 * 1) / (1 + 1e-8),
    ];
    values(w).forEach((v, i) => expect(v).toBeCloseTo(f(expected[i]), 7));
  });

  it("matches a hand-computed second step (bias correction at k = 2)", () => {
    const w = param([1], [1, 1]);
    const optimizer = new AdamW([w], { lr: 0.1, weightDecay: 0, betas: [0.9, 0.95], eps: 0 });
    setGrad(w, [1]);
    optimizer.step();
    expect(values(w)[0]).toBeCloseTo(0.9, 6); // 1 − 0.1·1/1
    setGrad(w, [-2]);
    optimizer.step();
    // μ = 0.9·0.1 + 0.1·(−2) = −0.11; v = 0.95·0.05 + 0.05·4 = 0.2475; bc1 = 0.19, bc2 = 0.0975.
    const expected = 0.9 - ((0.1 / 0.19) * -0.11) / (Math.sqrt(0.2475) / Math.sqrt(0.0975));
    expect(values(w)[0]).toBeCloseTo(expected, 6);
    expect(optimizer.stepCount(w)).toBe(2);
  });

  it("applies weight decay only to parameters of rank >= 2 by default; weightDecayMinRank 0 decays all", () => {
    const bias = param([1, 2]);
    setGrad(bias, [0, 0]);
    new AdamW([bias], { lr: 0.5, weightDecay: 0.1 }).step();
    expect(values(bias)).toEqual([1, 2]);
    new AdamW([bias], { lr: 0.5, weightDecay: 0.1, weightDecayMinRank: 0 }).step();
    expect(values(bias)).toEqual([f(0.95), f(1.9)]);
  });

  it("uses per-group overrides and the step's lr for every group", () => {
    const a = param([1], [1, 1]);
    const b = param([1], [1, 1]);
    setGrad(a, [1]);
    setGrad(b, [1]);
    const optimizer = new AdamW([{ params: [a], lr: 0.1 }, { params: [b], lr: 0.2, eps: 0 }], { weightDecay: 0, eps: 0 });
    optimizer.step();
    expect(values(a)[0]).toBeCloseTo(0.9, 6);
    expect(values(b)[0]).toBeCloseTo(0.8, 6);
    optimizer.step({ lr: 0.01 });
    expect(values(a)[0]).toBeCloseTo(0.89, 6);
    expect(values(b)[0]).toBeCloseTo(0.79, 6);
  });

  it("skips parameters without a gradient entirely (no weight decay, no step count)", () => {
    const w = param([1, 1], [1, 2]);
    const optimizer = new AdamW([w], { weightDecay: 0.5, lr: 0.1 });
    optimizer.step();
    expect(values(w)).toEqual([1, 1]);
    expect(optimizer.stepCount(w)).toBe(0);
  });

  it("stepAsync gives the same result as step", async () => {
    const a = param([0.3, -0.7, 1.1, 0.2], [2, 2]);
    const b = param([0.3, -0.7, 1.1, 0.2], [2, 2]);
    const mask = tensor([1, 0, 0, 1], { shape: [2, 2], dtype: "u8" });
    const syncOpt = new AdamW([{ params: [{ param: a, mask }] }]);
    const asyncOpt = new AdamW([{ params: [{ param: b, mask }] }]);
    for (let t = 0; t < 3; t++) {
      setGrad(a, [0.1 * t, -0.2, 0.3, 0.05]);
      setGrad(b, [0.1 * t, -0.2, 0.3, 0.05]);
      syncOpt.step({ lr: 0.01, decay: 0.1 });
      await asyncOpt.stepAsync({ lr: 0.01, decay: 0.1 });
    }
    expect(values(b)).toEqual(values(a));
  });

  it("step() reads nothing back, so it runs on an async-only backend", async () => {
    const backend = { ...createCpuBackend(), name: "async-only", readSync: undefined };
    const w = tensor([1, 2], { backend }).requireGrad();
    w.grad = tensor([1, 1], { backend });
    const optimizer = new AdamW([w], { lr: 0.1 });
    const before = backend.stats().deviceToHostBytes;
    optimizer.step();
    expect(backend.stats().deviceToHostBytes).toBe(before);
    expect([...(await w.data())].map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0.9, 1.9]);
  });

  it("accepts a flat list of { param, mask } entries as one group", () => {
    const w = param([1, 1], [1, 2]);
    const optimizer = new AdamW([{ param: w, mask: tensor([1, 0], { shape: [1, 2], dtype: "u8" }) }], { weightDecay: 0 });
    setGrad(w, [0, 0]);
    optimizer.step({ lr: 0.1, decay: 1 });
    expect(values(w)[0]).toBe(1);
    expect(values(w)[1]).toBeLessThan(1);
  });

  it("zeroGrad clears every gradient", () => {
    const w = param([1, 2]);
    setGrad(w, [1, 1]);
    new AdamW([w]).zeroGrad();
    expect(w.grad).toBeNull();
  });
});

describe("AdamW state checkpoints", () => {
  it("round-trips exactly through JSON meta + float32 arrays", async () => {
    const make = () => [param([0.5, -0.25, 1, 2], [2, 2]), param([0.1, 0.2])];
    const run = (ps: Tensor[], optimizer: AdamW, t: number) => {
      setGrad(ps[0], [0.1 * t, -0.3, 0.2, 0.05]);
      setGrad(ps[1], [0.4, -0.1 * t]);
      optimizer.step({ lr: 0.01, decay: 0.05 });
    };
    const mask = tensor([1, 0, 1, 0], { shape: [2, 2], dtype: "u8" });
    const a = make();
    const first = new AdamW([{ params: [{ param: a[0], mask }, a[1]] }], { betas: [0.9, 0.95], weightDecay: 0.1 });
    run(a, first, 1);
    run(a, first, 2);
    const saved = await first.state();
    const meta = JSON.parse(JSON.stringify(saved.meta));
    const arrays = Object.fromEntries(Object.entries(saved.arrays).map(([k, v]) => [k, Float32Array.from(v)]));
    expect(Object.keys(arrays).sort()).toEqual(["params.0.exp_avg", "params.0.exp_avg_sq", "params.1.exp_avg", "params.1.exp_avg_sq"]);
    expect(meta.params.map((p: { step: number }) => p.step)).toEqual([2, 2]);

    const b = make();
    b.forEach((p, i) => p.backend.write(p.storage.handle, a[i].dataSync()));
    const second = new AdamW([{ params: [{ param: b[0], mask }, b[1]] }], { betas: [0.5, 0.5] });
    second.loadState({ meta, arrays });
    expect(second.groups[0].betas).toEqual([0.9, 0.95]);
    run(a, first, 3);
    run(b, second, 3);
    expect(values(b[0])).toEqual(values(a[0]));
    expect(values(b[1])).toEqual(values(a[1]));
    expect((await second.state()).arrays["params.0.exp_avg_sq"]).toEqual((await first.state()).arrays["params.0.exp_avg_sq"]);
  });

  it("stateTensors gives state()'s meta and keys with the live moments (no copies), in the same order", async () => {
    const w = param([1, 2, 3, 4], [2, 2]);
    setGrad(w, [0.5, -1, 2, 0]);
    const optimizer = new AdamW([w]);
    optimizer.step();
    const copy = await optimizer.state();
    const live = optimizer.stateTensors();
    expect(live.meta).toEqual(copy.meta);
    expect(Object.keys(live.tensors)).toEqual(Object.keys(copy.arrays));
    for (const [key, moment] of Object.entries(live.tensors)) expect(Float32Array.from(moment.dataSync())).toEqual(copy.arrays[key]);
    optimizer.step();
    expect(Float32Array.from(live.tensors["params.0.exp_avg"]!.dataSync())).toEqual((await optimizer.state()).arrays["params.0.exp_avg"]); // live: it moved
  });

  it("rejects a state that does not fit, naming the mismatch", async () => {
    const w = param([1, 2, 3, 4], [2, 2]);
    setGrad(w, [1, 1, 1, 1]);
    const optimizer = new AdamW([w]);
    optimizer.step();
    const saved = await optimizer.state();
    expect(() => new AdamW([param([1, 2, 3, 4], [4, 1])]).loadState(saved)).toThrow(/saved with shape \[2, 2\] but is \[4, 1\]/);
    expect(() => new AdamW([w, param([1])]).loadState(saved)).toThrow(OptimError);
    expect(() => optimizer.loadState({ meta: saved.meta, arrays: {} })).toThrow(/"params.0.exp_avg" is missing/);
    expect(() => optimizer.loadState({ meta: { ...saved.meta, optimizer: "sgd" } as never, arrays: saved.arrays })).toThrow(/saved by "sgd"/);
  });
});

describe("AdamW option and mask errors", () => {
  it("rejects unknown or invalid options, listing the valid keys", () => {
    const w = param([1]);
    expect(() => new AdamW([w], { learningRate: 1 } as never)).toThrow(/unknown option "learningRate" \(valid options: lr, weightDecay/);
    expect(() => new AdamW([w], { betas: [0.9, 1] })).toThrow(ConfigError);
    expect(() => new AdamW([w], { decayMode: "l2" as never })).toThrow(/decayMode/);
    expect(() => new AdamW([{ params: [w], lr: -1 }])).toThrow(/AdamW param group 0: invalid options: lr/);
    expect(() => new AdamW([])).toThrow(/no parameters/);
    expect(() => new AdamW([w, w])).toThrow(/appears twice/);
    expect(() => new AdamW([tensor([1, 2], { dtype: "i32" })])).toThrow(DTypeError);
  });

  it("rejects a bad step lr or decay", () => {
    const optimizer = new AdamW([param([1])]);
    expect(() => optimizer.step({ lr: Number.NaN })).toThrow(/lr must be a finite number/);
    expect(() => optimizer.step({ decay: -1 })).toThrow(/decay \(λ\(t\)\) must be/);
  });

  it("rejects masks of the wrong dtype or shape, and foreign parameters", () => {
    const w = param([1, 2, 3, 4], [2, 2]);
    const optimizer = new AdamW([w]);
    expect(() => optimizer.setMask(w, tensor([1, 0, 1, 0], { shape: [2, 2] }))).toThrow(DTypeError);
    expect(() => optimizer.setMask(w, tensor([1, 0, 1, 0], { dtype: "u8" }))).toThrow(ShapeError);
    expect(() => optimizer.setMask(param([1]), tensor([1], { dtype: "u8" }))).toThrow(/not one of this optimizer's parameters/);
  });

  it("reads a mask function at every step and accepts null", () => {
    const w = param([1, 1], [1, 2]);
    let current: Tensor | null = tensor([1, 0], { shape: [1, 2], dtype: "u8" });
    const optimizer = new AdamW([{ params: [{ param: w, mask: () => current }] }], { weightDecay: 0, lr: 0.1 });
    setGrad(w, [0, 0]);
    optimizer.step({ decay: 1 });
    expect(values(w)[0]).toBe(1);
    expect(values(w)[1]).toBeLessThan(1);
    current = null;
    const before = values(w);
    optimizer.step({ decay: 1 });
    expect(values(w)).toEqual(before);
    expect(typeof optimizer.maskOf(w)).toBe("function");
  });
});
