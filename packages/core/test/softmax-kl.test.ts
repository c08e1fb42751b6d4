import { describe, expect, it } from "vitest";
import { createCpuBackend, softmaxKL, sum, tensor, type Backend } from "../src/index.js";

/** Seeded logits in [-scale, scale). */
function logits(n: number, seed: number, scale = 4): number[] {
  let state = seed;
  return Array.from({ length: n }, () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 2 * scale);
}

/** Per-row KL and the gradient of Σ_r w_r · KL_r w.r.t. the student's logits, in f64 on `backend`. */
function klAndGrad(backend: Backend, s: number[], t: number[], shape: [number, number], temperature: number) {
  const student = tensor(s, { backend, shape, dtype: "f64", requiresGrad: true });
  const teacher = tensor(t, { backend, shape, dtype: "f64" });
  const rows = softmaxKL(student, teacher, temperature);
  const weights = tensor(Array.from({ length: shape[0] }, (_, r) => r + 1), { backend, dtype: "f64" });
  sum(rows.mul(weights)).backward();
  return { rows: Array.from(rows.dataSync()), grad: Array.from(student.grad!.dataSync()) };
}

function expectClose(actual: number[], expected: number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= 1e-12 + 1e-10 * Math.abs(expected[i]!))) expect.fail(`${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

describe("softmaxKL", () => {
  const fused = createCpuBackend();
  const composite = createCpuBackend({ fused: false });

  it("the fused kernels equal the decomposition, value and gradient, with a teacher probability of exactly 0", () => {
    const shape: [number, number] = [5, 37];
    const s = logits(5 * 37, 1);
    const t = logits(5 * 37, 2, 6);
    t[40] = -Infinity; // p = 0 there: the term counts 0
    for (const temperature of [1, 2, 0.5]) {
      const a = klAndGrad(fused, s, t, shape, temperature);
      const b = klAndGrad(composite, s, t, shape, temperature);
      expectClose(a.rows, b.rows, `rows, T = ${temperature}`);
      expectClose(a.grad, b.grad, `gradient, T = ${temperature}`);
      expect(a.rows.every((kl) => kl >= 0 && Number.isFinite(kl))).toBe(true);
    }
  });

  it("is 0 for equal logits, and its gradient is (q − p)/T", () => {
    const s = logits(2 * 8, 3);
    const same = klAndGrad(fused, s, s, [2, 8], 2);
    expect(same.rows.every((kl) => Math.abs(kl) < 1e-15)).toBe(true);
    expect(same.grad.every((g) => Math.abs(g) < 1e-15)).toBe(true);
  });

  it("names the problem for bad shapes and temperatures", () => {
    const a = tensor(logits(6, 4), { backend: fused, shape: [2, 3] });
    expect(() => softmaxKL(a, tensor(logits(8, 5), { backend: fused, shape: [2, 4] }))).toThrow("softmaxKL: needs student and teacher logits [N, V] of one shape and dtype, got [2, 3] f32 and [2, 4] f32");
    expect(() => softmaxKL(a, a, 0)).toThrow("softmaxKL: temperature must be > 0, got 0");
  });
});
