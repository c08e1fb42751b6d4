import { memory } from "@adaptive-sparse/core";
import { describe, expect, it } from "vitest";
import type { TrainerConfigInput } from "./config.js";
import { VALIDATION_TOKENS, modelFrom, pretrainedWeights, sampler } from "./test-helpers.js";
import { train } from "./train.js";

const lr = { options: { max: 1e-2, min: 1e-3, warmupSteps: 2 } };

// A run's optimizer moments, masks, M₀ copies and loss state are the run's: a process that runs several prunes
// (the example app, a sweep) must not keep one run's tensors into the next. The optimizer's moments (twice the
// parameters' bytes) used to stay alive after every run.
describe("train frees what a run made", () => {
  it.each<[string, TrainerConfigInput]>([
    ["dense", { method: "dense" }],
    ["naive", { method: "naive", refresh: { every: 4 } }],
    ["gmp", { method: "gmp", gmp: { every: 4 } }],
    ["imp", { method: "imp" }],
    ["one-shot", { method: "one-shot" }],
    ["ast with distillation and SLoRB", { method: "ast", refresh: { every: 4 }, decay: { options: { max: 0.1, rampSteps: 6 } }, distill: {}, slorb: { k: 16 } }],
  ])("%s: with the student and teacher disposed, the same tensors are alive as before the run", async (_name, config) => {
    const weights = await pretrainedWeights();
    const before = memory().tensors;
    const student = modelFrom(weights);
    const teacher = modelFrom(weights); // it builds its own caches (positions, causal masks) in its first forward
    await train({
      config: { steps: 12, lr, ...config },
      student,
      teacher,
      data: { train: sampler(), validation: { val: VALIDATION_TOKENS } },
    });
    student.dispose();
    teacher.dispose();
    expect(memory().tensors).toBe(before);
  });
});

describe("the teacher's forward", () => {
  it("leaves only its logits alive while the student runs (its intermediates are freed at once)", async () => {
    const weights = await pretrainedWeights();
    const student = modelFrom(weights);
    const teacher = modelFrom(weights);
    const alive: { teacher: number; student: number }[] = [];
    const teacherForward = teacher.forward.bind(teacher);
    const studentForward = student.forward.bind(student);
    teacher.forward = (idx) => (alive.push({ teacher: memory().tensors, student: -1 }), teacherForward(idx));
    student.forward = (idx) => (alive.length && (alive[alive.length - 1]!.student = memory().tensors), studentForward(idx));
    await train({
      config: { method: "ast", steps: 3, lr, decay: { options: { max: 0.1, rampSteps: 2 } }, distill: {}, eval: { every: 0 } },
      student,
      teacher,
      data: { train: sampler(), validation: {} },
    });
    expect(alive).toHaveLength(3);
    // The teacher's [B, T, V] logits, and in its first forward the length caches it keeps (positions, one causal
    // mask per layer: 3 for the 2-layer test model).
    expect(alive.map((step) => step.student - step.teacher)).toEqual([4, 1, 1]);
    student.dispose();
    teacher.dispose();
  });
});
