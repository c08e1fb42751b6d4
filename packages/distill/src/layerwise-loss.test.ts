import { ConfigError, ShapeError, full, randn, tidy, zeros } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { SQUARE_HEAD_EPSILON, layerwiseLoss } from "./layerwise-loss.js";

// method.md §10.1 item 11.
describe("layerwiseLoss (SquareHead)", () => {
  it("is 0 for identical hidden states", () => {
    const h = [randn([2, 3, 4]), randn([2, 3, 4]).mul(3)];
    expect(layerwiseLoss(h, h).item()).toBe(0);
  });

  it("uses ε = 2⁻⁷: a zero teacher and a ones student give 1 / 2⁻⁷ = 128", () => {
    expect(SQUARE_HEAD_EPSILON).toBe(0.0078125);
    expect(layerwiseLoss([full([2, 3, 4], 1)], [zeros([2, 3, 4])]).item()).toBe(128);
  });

  it("normalises by the teacher's mean square: mean((s−t)²) / (mean(t²) + ε)", () => {
    // t = 2 everywhere, s = 3: (1) / (4 + 2⁻⁷).
    expect(layerwiseLoss([full([1, 2, 2], 3)], [full([1, 2, 2], 2)]).item()).toBeCloseTo(1 / (4 + 2 ** -7), 7);
  });

  it("sums (not averages) over layers", () => {
    const s = randn([2, 3, 4]);
    const t = randn([2, 3, 4]).mul(0.5);
    const one = layerwiseLoss([s], [t]).item();
    expect(layerwiseLoss([s, s, s], [t, t, t]).item()).toBeCloseTo(3 * one, 5);
  });

  it("sends no gradient to the teacher", () => {
    const s = randn([2, 4]).requireGrad();
    const t = randn([2, 4]).mul(2).detach().requireGrad();
    tidy(() => layerwiseLoss([s], [t]).backward());
    expect(t.grad).toBeNull();
    expect(s.grad).not.toBeNull();
  });

  it("rejects mismatched layer counts, shapes and an empty list", () => {
    expect(() => layerwiseLoss([randn([2, 4])], [])).toThrow(/1 student layers but 0 teacher layers/);
    expect(() => layerwiseLoss([randn([2, 4]), randn([2, 4])], [randn([2, 4]), randn([2, 5])])).toThrow(ShapeError);
    expect(() => layerwiseLoss([randn([2, 4]), randn([2, 4])], [randn([2, 4]), randn([2, 5])])).toThrow("layer 1: student [2, 4] and teacher [2, 5] differ");
    expect(() => layerwiseLoss([], [])).toThrow(ConfigError);
  });
});
