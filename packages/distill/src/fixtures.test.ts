import { readFileSync } from "node:fs";
import { tensor, tidy } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import { klLoss } from "./kl-loss.js";
import { layerwiseLoss } from "./layerwise-loss.js";

/** Written by fixtures/make_fixtures.py (PyTorch 1.13, float64, the reference formulas). */
interface Fixture {
  kl: { name: string; shape: number[]; temperature: number; student: number[]; teacher: number[]; loss: number; grad: number[] }[];
  layerwise: { name: string; shape: number[]; students: number[][]; teachers: number[][]; loss: number; grads: number[][] }[];
}

const fixture = JSON.parse(readFileSync(new URL("../fixtures/distill.json", import.meta.url), "utf8")) as Fixture;

/** Within 1e-5 relative (plus 1e-7 absolute for entries near zero). */
function expectClose(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    if (error > 1e-5 * Math.abs(expected[i]) + 1e-7) expect.fail(`${what}[${i}]: got ${actual[i]}, torch ${expected[i]} (error ${error})`);
  }
}

describe.each(fixture.kl)("PyTorch KL fixture $name", (data) => {
  it("matches the value and the gradient w.r.t. the student logits", () => {
    const student = tensor(data.student, { shape: data.shape }).requireGrad();
    const teacher = tensor(data.teacher, { shape: data.shape });
    const loss = tidy(() => {
      const value = klLoss(student, teacher, { temperature: data.temperature });
      value.backward();
      return value;
    });
    expectClose([loss.item()], [data.loss], "loss");
    expectClose(student.grad!.dataSync(), data.grad, "grad");
  });
});

describe.each(fixture.layerwise)("PyTorch SquareHead fixture $name", (data) => {
  it("matches the value and the gradient w.r.t. every student layer", () => {
    const students = data.students.map((values) => tensor(values, { shape: data.shape }).requireGrad());
    const teachers = data.teachers.map((values) => tensor(values, { shape: data.shape }));
    const loss = tidy(() => {
      const value = layerwiseLoss(students, teachers);
      value.backward();
      return value;
    });
    expectClose([loss.item()], [data.loss], "loss");
    students.forEach((s, i) => expectClose(s.grad!.dataSync(), data.grads[i], `layer ${i} grad`));
  });
});
