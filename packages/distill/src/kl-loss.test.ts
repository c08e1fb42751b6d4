import { ConfigError, ShapeError, createCpuBackend, randn, tensor, tidy } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { FUSED_KL_MIN_VOCAB, klLoss } from "./kl-loss.js";

// method.md §10.1 item 10.
const LN2 = Math.log(2);

describe("klLoss", () => {
  it("is 0 for equal logits, at T = 2 and at T = 4", () => {
    const logits = randn([2, 3, 11]);
    expect(klLoss(logits, logits).item()).toBeCloseTo(0, 6);
    expect(klLoss(logits, logits, { temperature: 4 }).item()).toBeCloseTo(0, 6);
    expect(klLoss(logits.mul(5), logits.mul(5), { temperature: 1 }).item()).toBeCloseTo(0, 6);
  });

  it("matches a hand-checked 2-token, 3-class case (T = 1)", () => {
    // Token 1: teacher p = [1/4, 1/2, 1/4], student q uniform: KL = ½·ln(9/8).
    // Token 2: teacher uniform, student q = [1/4, 1/2, 1/4]:      KL = ⅓·ln(32/27).
    const teacher = tensor([[[0, LN2, 0], [0, 0, 0]]]);
    const student = tensor([[[0, 0, 0], [0, LN2, 0]]]);
    const expected = (0.5 * Math.log(9 / 8) + Math.log(32 / 27) / 3) / 2;
    expect(klLoss(student, teacher, { temperature: 1 }).item()).toBeCloseTo(expected, 6);
  });

  it("multiplies by T²: the same probabilities at T = 2 give 4× the T = 1 value", () => {
    const teacher = tensor([[[0, 2 * LN2, 0], [0, 0, 0]]]); // /T = the T = 1 case above
    const student = tensor([[[0, 0, 0], [0, 2 * LN2, 0]]]);
    const expected = (0.5 * Math.log(9 / 8) + Math.log(32 / 27) / 3) / 2;
    expect(klLoss(student, teacher).item()).toBeCloseTo(4 * expected, 6); // default T = 2
  });

  it("is KL(teacher ‖ student), not the reverse", () => {
    const teacher = tensor([[0, LN2, 0]]);
    const student = tensor([[0, 0, 0]]);
    const forward = 0.5 * Math.log(9 / 8); // Σ p_t log(p_t / q_s) ≈ 0.0589
    const reverse = Math.log(32 / 27) / 3; // Σ q_s log(q_s / p_t) ≈ 0.0566
    expect(klLoss(student, teacher, { temperature: 1 }).item()).toBeCloseTo(forward, 6);
    expect(klLoss(teacher, student, { temperature: 1 }).item()).toBeCloseTo(reverse, 6);
  });

  it("is normalised by B·S: repeating one position over any batch and sequence keeps the value", () => {
    const teacherRow = [0.3, -1.2, 2.0, 0.1];
    const studentRow = [1.0, 0.5, -0.5, 0.0];
    const one = klLoss(tensor([[studentRow]]), tensor([[teacherRow]])).item();
    const repeat = (row: number[]) => tensor(Array.from({ length: 3 }, () => Array.from({ length: 5 }, () => row)));
    expect(klLoss(repeat(studentRow), repeat(teacherRow)).item()).toBeCloseTo(one, 6);
  });

  it("treats the teacher as a constant: no gradient reaches teacher logits", () => {
    const teacher = randn([2, 5]).requireGrad();
    const student = randn([2, 5]).mul(2).requireGrad();
    tidy(() => klLoss(student, teacher).backward());
    expect(teacher.grad).toBeNull();
    expect(student.grad).not.toBeNull();
    // The gradient of a KL w.r.t. student logits sums to 0 per position (softmax is shift-invariant).
    const g = student.grad!.dataSync();
    expect(g[0] + g[1] + g[2] + g[3] + g[4]).toBeCloseTo(0, 6);
  });

  it("gives a finite loss when the teacher puts zero probability on a token", () => {
    const teacher = tensor([[0, -Infinity, 0]]);
    const student = tensor([[0, 0, 0]]);
    expect(klLoss(student, teacher, { temperature: 1 }).item()).toBeCloseTo(Math.log(3 / 2), 6);
  });

  it("names both shapes and both vocabularies on a mismatch, and rejects a bad temperature", () => {
    expect(() => klLoss(randn([2, 3, 8]), randn([2, 3, 7]))).toThrow(ShapeError);
    expect(() => klLoss(randn([2, 3, 8]), randn([2, 3, 7]))).toThrow(
      "klLoss: teacher logits [2, 3, 7] and student logits [2, 3, 8] must have the same shape [..., vocab] (vocabularies differ: teacher 7, student 8",
    );
    expect(() => klLoss(randn([2, 3, 8]), randn([3, 2, 8]))).toThrow(/teacher logits \[3, 2, 8\] and student logits \[2, 3, 8\]/);
    expect(() => klLoss(randn([2, 8]), randn([2, 8]), { temperature: 0 })).toThrow(ConfigError);
    expect(() => klLoss(randn([2, 8]), randn([2, 8]), { temp: 2 } as never)).toThrow(/unknown option "temp" \(valid options: temperature\)/);
  });

  it(`from a vocabulary of ${FUSED_KL_MIN_VOCAB} runs as core's softmaxKL: the fused kernel and the decomposition give the f64 formula`, () => {
    const [positions, vocab] = [3, FUSED_KL_MIN_VOCAB];
    let state = 9;
    const draw = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 8;
    const s = Array.from({ length: positions * vocab }, draw);
    const t = Array.from({ length: positions * vocab }, draw);
    // The formula in plain doubles: T² · mean over positions of Σ p (log p − log q).
    const logSoftmaxRow = (x: number[], r: number, temperature: number) => {
      const row = x.slice(r * vocab, (r + 1) * vocab).map((v) => v / temperature);
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
      return row.map((v) => v - lse);
    };
    let expected = 0;
    for (let r = 0; r < positions; r++) {
      const [logP, logQ] = [logSoftmaxRow(t, r, 2), logSoftmaxRow(s, r, 2)];
      logP.forEach((lp, i) => (expected += Math.exp(lp) * (lp - logQ[i]!)));
    }
    expected *= 4 / positions;
    for (const backend of [createCpuBackend(), createCpuBackend({ fused: false })]) {
      const loss = klLoss(tensor(s, { backend, shape: [1, positions, vocab], dtype: "f64" }), tensor(t, { backend, shape: [1, positions, vocab], dtype: "f64" }));
      expect(Math.abs(loss.item() - expected)).toBeLessThan(1e-12 * expected);
    }
  });
});
