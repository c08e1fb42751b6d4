import { describe, expect, it } from "vitest";
import { choleskyLower, choleskyUpper, inverseFromCholesky, inverseUpperCholesky } from "./cholesky.js";
import { NotPositiveDefiniteError } from "./errors.js";

function randomSpd(n: number): Float64Array {
  // A = B Bᵀ + n·I with a fixed, well-spread B.
  const b = Float64Array.from({ length: n * n }, (_, i) => Math.sin(i * 1.7 + 0.3));
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sum = i === j ? n : 0;
      for (let k = 0; k < n; k++) sum += b[i * n + k]! * b[j * n + k]!;
      a[i * n + j] = sum;
    }
  }
  return a;
}

function matmul(a: Float64Array, b: Float64Array, n: number, transposeA = false): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += (transposeA ? a[k * n + i]! : a[i * n + k]!) * b[k * n + j]!;
      out[i * n + j] = sum;
    }
  }
  return out;
}

describe("Cholesky (float64)", () => {
  it("hand-checked 2×2", () => {
    expect([...choleskyLower(new Float64Array([4, 2, 2, 5]), 2)]).toEqual([2, 0, 1, 2]);
    expect([...choleskyUpper(new Float64Array([4, 2, 2, 5]), 2)]).toEqual([2, 1, 0, 2]);
    // inverse of [[4,2],[2,5]] is [[5,−2],[−2,4]] / 16
    const inv = inverseFromCholesky(choleskyLower(new Float64Array([4, 2, 2, 5]), 2), 2);
    [5 / 16, -2 / 16, -2 / 16, 4 / 16].forEach((v, i) => expect(inv[i]).toBeCloseTo(v, 15));
  });

  it("L Lᵀ = A, UᵀU = A and A·A⁻¹ = I on a 24×24 SPD matrix", () => {
    const n = 24;
    const a = randomSpd(n);
    const l = choleskyLower(a, n);
    const u = choleskyUpper(a, n);
    const llt = matmul(l, u, n); // u = lᵀ
    const utu = matmul(u, u, n, true);
    const identity = matmul(a, inverseFromCholesky(l, n), n);
    for (let i = 0; i < n * n; i++) {
      expect(Math.abs(llt[i]! - a[i]!)).toBeLessThan(1e-10);
      expect(Math.abs(utu[i]! - a[i]!)).toBeLessThan(1e-10);
      expect(Math.abs(identity[i]! - (i % (n + 1) === 0 ? 1 : 0))).toBeLessThan(1e-12);
      if (Math.floor(i / n) < i % n) expect(l[i]).toBe(0);
    }
  });

  it("inverseUpperCholesky is the upper factor of A⁻¹ (UᵀU·A = I), the reference's chol → inverse → chol, on a 40×40 SPD matrix", () => {
    const n = 40; // not a multiple of the 16-row blocks
    const a = randomSpd(n);
    const u = inverseUpperCholesky(a, n);
    const reference = choleskyUpper(inverseFromCholesky(choleskyLower(a, n), n), n);
    const identity = matmul(matmul(u, u, n, true), a, n);
    for (let i = 0; i < n * n; i++) {
      if (Math.floor(i / n) > i % n) expect(u[i]).toBe(0);
      expect(Math.abs(u[i]! - reference[i]!)).toBeLessThan(1e-13);
      expect(Math.abs(identity[i]! - (i % (n + 1) === 0 ? 1 : 0))).toBeLessThan(1e-12);
    }
    // A⁻¹ = [[5, −2], [−2, 4]] / 16 = UᵀU: u11 = √5/4, u12 = −(2/16)/u11, u22 = √(4/16 − u12²).
    const hand = [Math.sqrt(5) / 4, -1 / (2 * Math.sqrt(5)), 0, 1 / Math.sqrt(5)];
    inverseUpperCholesky(new Float64Array([4, 2, 2, 5]), 2).forEach((v, i) => expect(v).toBeCloseTo(hand[i]!, 15));
    expect(() => inverseUpperCholesky(new Float64Array([1, 2, 2, 1]), 2)).toThrow(NotPositiveDefiniteError);
  });

  it("throws NotPositiveDefiniteError on an indefinite matrix", () => {
    expect(() => choleskyLower(new Float64Array([1, 2, 2, 1]), 2)).toThrow(NotPositiveDefiniteError);
    expect(() => choleskyLower(new Float64Array([0, 0, 0, 1]), 2)).toThrow(/pivot 0 of 2/);
  });
});
