import { tensor, type Tensor } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { SGD } from "./sgd.js";

const param = (values: number[], shape = [values.length]): Tensor => tensor(values, { shape }).requireGrad();
const setGrad = (p: Tensor, values: number[]): void => {
  p.grad = tensor(values, { shape: p.shape });
};
const f = Math.fround;

describe("SGD", () => {
  it("plain step: p ← p − lr·g", () => {
    const w = param([1, -2], [1, 2]);
    setGrad(w, [0.5, -0.25]);
    new SGD([w], { lr: 0.5 }).step();
    expect([...w.dataSync()]).toEqual([0.75, -1.875]);
  });

  it("momentum follows PyTorch: buf = g first, then momentum·buf + (1−dampening)·g", () => {
    const w = param([0], [1, 1]);
    const optimizer = new SGD([w], { lr: 1, momentum: 0.5, dampening: 0.5 });
    setGrad(w, [1]);
    optimizer.step();
    expect(w.dataSync()[0]).toBe(-1);
    setGrad(w, [1]);
    optimizer.step(); // buf = 0.5·1 + 0.5·1 = 1
    expect(w.dataSync()[0]).toBe(-2);
    setGrad(w, [2]);
    optimizer.step(); // buf = 0.5 + 1 = 1.5
    expect(w.dataSync()[0]).toBe(-3.5);
  });

  it("nesterov uses g + momentum·buf", () => {
    const w = param([0], [1, 1]);
    const optimizer = new SGD([w], { lr: 1, momentum: 0.5, nesterov: true });
    setGrad(w, [1]);
    optimizer.step(); // buf = 1, direction = 1 + 0.5
    expect(w.dataSync()[0]).toBe(-1.5);
    expect(() => new SGD([w], { nesterov: true })).toThrow(/nesterov needs momentum > 0/);
  });

  it("masked parameters follow SR-STE's Eq. 3 with weight decay as an L2 term on ≥2-D parameters", () => {
    const w = param([1, -2, 4, 0.5], [2, 2]);
    const bias = param([1, 1]);
    const mask = tensor([1, 0, 0, 1], { shape: [2, 2], dtype: "u8" });
    const optimizer = new SGD([{ params: [{ param: w, mask }, bias], weightDecay: 0.125 }]);
    setGrad(w, [0.5, 0.5, -0.5, 0]);
    setGrad(bias, [0.5, 0]);
    optimizer.step({ lr: 0.5, decay: 0.25 });
    const expected = [1, -2, 4, 0.5].map((p, i) => f(p - 0.5 * ([0.5, 0.5, -0.5, 0][i] + 0.125 * p + 0.25 * (1 - [1, 0, 0, 1][i]) * p)));
    expect([...w.dataSync()]).toEqual(expected);
    expect([...bias.dataSync()]).toEqual([0.75, 1]);
  });

  it("round-trips its momentum state", async () => {
    const a = param([1, 2], [1, 2]);
    const b = param([1, 2], [1, 2]);
    const first = new SGD([a], { lr: 0.1, momentum: 0.9 });
    setGrad(a, [0.3, -0.7]);
    first.step();
    const saved = await first.state();
    const second = new SGD([b], { lr: 0.1, momentum: 0.9 });
    b.backend.write(b.storage.handle, a.dataSync());
    second.loadState({ meta: JSON.parse(JSON.stringify(saved.meta)), arrays: saved.arrays });
    setGrad(a, [0.1, 0.2]);
    setGrad(b, [0.1, 0.2]);
    first.step();
    second.step();
    expect([...b.dataSync()]).toEqual([...a.dataSync()]);
    expect(() => second.loadState({ meta: { ...saved.meta, optimizer: "adamw" } as never, arrays: saved.arrays })).toThrow(/saved by "adamw"/);
  });
});
