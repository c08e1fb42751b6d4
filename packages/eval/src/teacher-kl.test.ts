import { memory } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { evaluateTeacherKL } from "./teacher-kl.js";
import { BigramPositionModel } from "./stand-in-models.js";

/** KL(p ‖ q) of two logit rows, in float64 on the host. */
function klRows(p: number[], q: number[]): number {
  const logNorm = (row: number[]) => Math.log(row.reduce((a, x) => a + Math.exp(x), 0));
  const [zp, zq] = [logNorm(p), logNorm(q)];
  return p.reduce((a, x, v) => a + Math.exp(x - zp) * (x - zp - (q[v]! - zq)), 0);
}

describe("evaluateTeacherKL", () => {
  it("equals a float64 hand computation over the perplexity windows (positions 1..L−1, mean per window)", async () => {
    const teacherTable = [0, Math.log(3), 0.5, 2, -1, 0, 0.3, 0.2, -0.7];
    const studentTable = [0, 0, 0, 1, -1, 0.5, 0, 0, -0.2];
    const teacher = new BigramPositionModel(3, 4, teacherTable);
    const student = new BigramPositionModel(3, 4, studentTable);
    const tokens = [0, 1, 2, 2, 1, 0, 0, 2, 1, 1]; // two windows of 4, tail of 2 dropped
    const row = (table: number[], token: number) => table.slice(token * 3, token * 3 + 3);
    const windowKL = (w: number) => [0, 1, 2].reduce((a, t) => a + klRows(row(teacherTable, tokens[w * 4 + t]!), row(studentTable, tokens[w * 4 + t]!)), 0) / 3;
    const before = memory().tensors;
    const { kl, windows } = await evaluateTeacherKL(teacher, student, tokens, { batchSize: 1 });
    expect(windows).toBe(2);
    expect(kl).toBeCloseTo((windowKL(0) + windowKL(1)) / 2, 6);
    expect((await evaluateTeacherKL(teacher, student, tokens, { maxWindows: 1 })).kl).toBeCloseTo(windowKL(0), 6);
    expect((await evaluateTeacherKL(teacher, teacher, tokens)).kl).toBeCloseTo(0, 7);
    expect(memory().tensors).toBe(before);
    expect(student.training).toBe(true);
    teacher.dispose();
    student.dispose();
  });

  it("refuses models with different vocabularies and a stream shorter than one window", async () => {
    const [a, b] = [new BigramPositionModel(3, 4), new BigramPositionModel(5, 4)];
    await expect(evaluateTeacherKL(a, b, [0, 1, 2, 0])).rejects.toThrow("evaluateTeacherKL: the teacher has 3 logits per token, the student 5; both must share one vocabulary");
    await expect(evaluateTeacherKL(a, a, [0, 1])).rejects.toThrow("the token stream has 2 tokens but one window needs 4");
    a.dispose();
    b.dispose();
  });
});
