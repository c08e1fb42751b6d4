import { DTypeError, Generator, ShapeError, add, matmul, memory, mul, randn, sum, tanh, tensor, tidy, type Tensor } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { Linear } from "./linear.js";
import { SparseLinear } from "./sparse-linear.js";
import { random24 } from "./test-helpers.js";

describe("SparseLinear", () => {
  it("computes x · (M ⊙ W)ᵀ + b exactly", () => {
    const layer = new SparseLinear(8, 3, { generator: new Generator(1) });
    const mask = random24(3, 8, new Generator(2));
    layer.setMask(mask);
    const x = randn([2, 5, 8], { generator: new Generator(3) });
    const [sparse, reference] = tidy(() => {
      const masked = layer.effectiveWeight();
      return [[...layer.call(x).dataSync()], [...add(matmul(x, masked, { transB: true }), layer.bias!).dataSync()]];
    });
    expect(sparse).toEqual(reference);
    const w = layer.weight.dataSync();
    const m = mask.dataSync();
    const effective = tidy(() => [...layer.effectiveWeight().dataSync()]);
    expect(effective).toEqual([...w].map((v, i) => (m[i] ? v : 0)));
  });

  it("passes the gradient straight through: ∂L/∂W equals the finite-difference gradient w.r.t. W̃ everywhere (method.md §10.1 item 5)", () => {
    const [out, inF, rows] = [4, 8, 3];
    const layer = new SparseLinear(inF, out, { generator: new Generator(4) });
    const mask = random24(out, inF, new Generator(5));
    layer.setMask(mask);
    const x = randn([rows, inF], { generator: new Generator(6) });
    const r = randn([rows, out], { generator: new Generator(7) });
    const lossOf = (y: Tensor) => sum(mul(tanh(y), r)); // a non-linear loss of the output
    tidy(() => lossOf(layer.call(x)).backward());
    const grad = layer.weight.grad!.dataSync();

    // L as a function of the masked weight W̃ = M ⊙ W, evaluated in float64 for clean central differences.
    const x64 = tensor(x.dataSync(), { shape: x.shape, dtype: "f64" });
    const r64 = tensor(r.dataSync(), { shape: r.shape, dtype: "f64" });
    const b64 = tensor(layer.bias!.dataSync(), { dtype: "f64" });
    const lossAt = (wTilde: Float64Array) =>
      tidy(() => sum(mul(tanh(add(matmul(x64, tensor(wTilde, { shape: [out, inF] }), { transB: true }), b64)), r64)).item());
    const wTilde = Float64Array.from(tidy(() => [...layer.effectiveWeight().dataSync()]));
    const m = mask.dataSync();
    const eps = 1e-4;
    let prunedWithGradient = 0;
    for (let i = 0; i < wTilde.length; i++) {
      const saved = wTilde[i];
      wTilde[i] = saved + eps;
      const up = lossAt(wTilde);
      wTilde[i] = saved - eps;
      const down = lossAt(wTilde);
      wTilde[i] = saved;
      const numeric = (up - down) / (2 * eps);
      expect(Math.abs(grad[i] - numeric), `entry ${i} (${m[i] ? "kept" : "pruned"})`).toBeLessThan(1e-4 * Math.max(1, Math.abs(numeric)));
      if (!m[i] && Math.abs(grad[i]) > 1e-3) prunedWithGradient++;
    }
    expect(prunedWithGradient).toBeGreaterThan(8); // pruned weights do get gradients (not multiplied by M)
    for (const t of [x, r, x64, r64, b64]) t.dispose();
  });

  it("validates setMask and updates the one mask buffer in place (the state dict entry follows)", () => {
    const layer = new SparseLinear(4, 2);
    const buffer = layer.mask;
    expect("mask" in layer.weight).toBe(false); // the mask lives in the layer only
    expect([...layer.mask.dataSync()].every((v) => v === 1)).toBe(true); // dense until a mask is set
    expect(() => layer.setMask(tensor([[1, 0, 1, 0], [0, 1, 0, 1]]))).toThrow(DTypeError);
    expect(() => layer.setMask(tensor([[1, 0]], { dtype: "u8" }))).toThrow(/mask is \[1, 2\] but the weight is \[2, 4\]/);
    layer.setMask(tensor([[1, 0, 1, 0], [0, 1, 0, 1]], { dtype: "u8" }));
    expect(layer.stateDict().get("mask")).toBe(layer.mask);
    expect(layer.mask).toBe(buffer);
    expect([...buffer.dataSync()]).toEqual([1, 0, 1, 0, 0, 1, 0, 1]);
    expect(() => layer.call(tensor([[1, 2, 3]]))).toThrow(ShapeError);
  });

  it("fromLinear shares the Linear's parameter objects; applyMask zeroes the pruned weights", () => {
    const linear = new Linear(4, 2, { std: 1 });
    const layer = SparseLinear.fromLinear(linear);
    expect(layer.weight).toBe(linear.weight);
    expect(layer.bias).toBe(linear.bias);
    layer.setMask(tensor([[1, 1, 0, 0], [0, 0, 1, 1]], { dtype: "u8" }));
    const w = [...linear.weight.dataSync()];
    const before = memory().tensors;
    layer.applyMask();
    expect(memory().tensors).toBe(before);
    expect([...layer.weight.dataSync()]).toEqual([w[0], w[1], 0, 0, 0, 0, w[6], w[7]]);
  });
});
