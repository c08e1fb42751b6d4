import { NonFiniteError, ShapeError } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { createHessianAccumulator } from "./hessian.js";

describe("createHessianAccumulator (method.md §6.3 step 1)", () => {
  it("hand-checked: H = (2/n) Σ x xᵀ over sequences", () => {
    const acc = createHessianAccumulator(2);
    acc.addBatch(new Float32Array([1, 2]));
    expect([...acc.value()]).toEqual([2, 4, 4, 8]);
    acc.addBatch(new Float32Array([3, 0, 0, 1]));
    // (2/2)·([1 2;2 4] + [9 0;0 1])
    expect([...acc.value()]).toEqual([10, 2, 2, 5]);
    expect(acc.count).toBe(2);
  });

  it("does not depend on the split into batches", () => {
    const cols = 5;
    const inputs = Float32Array.from({ length: 6 * 2 * cols }, (_, i) => Math.sin(i * 0.77) * 3);
    const whole = createHessianAccumulator(cols);
    whole.addBatch(inputs, 6);
    const split = createHessianAccumulator(cols);
    split.addBatch(inputs.subarray(0, 2 * cols), 1);
    split.addBatch(inputs.subarray(2 * cols, 8 * cols), 3);
    split.addBatch(inputs.subarray(8 * cols), 2);
    const a = whole.value();
    const b = split.value();
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-12 * Math.max(1, Math.abs(a[i]!)));
  });

  it("rejects bad inputs", () => {
    expect(() => createHessianAccumulator(-1)).toThrow(ShapeError);
    expect(() => createHessianAccumulator(3).addBatch(new Float32Array(4))).toThrow(/not a multiple of cols=3/);
    expect(() => createHessianAccumulator(2).addBatch(new Float32Array([1, Infinity]))).toThrow(NonFiniteError);
  });
});

describe("HessianAccumulator.addGram", () => {
  it("equals addBatch when given Σ x xᵀ", () => {
    const cols = 3;
    const inputs = Float32Array.from({ length: 4 * cols }, (_, i) => Math.cos(i * 1.3));
    const gram = new Float64Array(cols * cols);
    for (let t = 0; t < 4; t++) {
      for (let i = 0; i < cols; i++) for (let j = 0; j < cols; j++) gram[i * cols + j]! += inputs[t * cols + i]! * inputs[t * cols + j]!;
    }
    const a = createHessianAccumulator(cols);
    a.addBatch(inputs.subarray(0, 6));
    a.addBatch(inputs.subarray(6), 2);
    const b = createHessianAccumulator(cols);
    const firstGram = new Float64Array(cols * cols);
    for (let t = 0; t < 2; t++) {
      for (let i = 0; i < cols; i++) for (let j = 0; j < cols; j++) firstGram[i * cols + j]! += inputs[t * cols + i]! * inputs[t * cols + j]!;
    }
    b.addGram(firstGram);
    b.addGram(gram.map((v, i) => v - firstGram[i]!), 2);
    const [ha, hb] = [a.value(), b.value()];
    for (let i = 0; i < ha.length; i++) expect(hb[i]).toBeCloseTo(ha[i]!, 12);
    expect(() => b.addGram(new Float64Array(4))).toThrow(ShapeError);
  });

  it("handles batches longer than its internal token chunk", () => {
    const cols = 2;
    const tokens = 700;
    const inputs = Float32Array.from({ length: tokens * cols }, (_, i) => (i % 2 === 0 ? 1 : (i % 6) - 2));
    const acc = createHessianAccumulator(cols);
    acc.addBatch(inputs);
    let s00 = 0;
    let s01 = 0;
    let s11 = 0;
    for (let t = 0; t < tokens; t++) {
      s00 += inputs[2 * t]! ** 2;
      s01 += inputs[2 * t]! * inputs[2 * t + 1]!;
      s11 += inputs[2 * t + 1]! ** 2;
    }
    expect([...acc.value()]).toEqual([2 * s00, 2 * s01, 2 * s01, 2 * s11]);
  });
});
