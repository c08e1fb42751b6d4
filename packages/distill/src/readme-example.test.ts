// The README's usage example, run as a test so it cannot rot. Keep the two in sync.
import { createRegistry, memory, randn, tensor, tidy } from "@adaptive-sparse/core";
import { expect, it } from "vitest";
import { LOSS_WEIGHT_PRESETS, ceLoss, combineLosses, klLoss, layerwiseLoss, registerLosses } from "./index.js";

it("README example runs", () => {
  const studentLogits = randn([2, 4, 10]).requireGrad(); // [batch, seq, vocab]
  const teacherLogits = randn([2, 4, 10]).mul(2); // from the frozen teacher (noGrad)
  const targets = tensor([[1, 2, 3, 4], [5, 6, 7, 8]], { dtype: "i32" });

  const loss = tidy(() => {
    const total = combineLosses(
      { task: ceLoss(studentLogits, targets), kl: klLoss(studentLogits, teacherLogits, { temperature: 2 }) },
      LOSS_WEIGHT_PRESETS.gpt2, // 0.33·CE + 0.67·KL
    );
    total.backward();
    return total;
  });
  loss.item(); // > 0; studentLogits.grad has shape [2, 4, 10]

  const squareHead = layerwiseLoss([randn([2, 4, 8])], [randn([2, 4, 8]).add(0.1)]); // Σ over blocks

  const registry = createRegistry();
  registerLosses(registry);
  const kl = registry.get("loss", "kl").create({ temperature: 2 });
  kl({ studentLogits, teacherLogits }).item(); // the same value as klLoss(...)

  expect(loss.item()).toBeGreaterThan(0);
  expect(squareHead.item()).toBeGreaterThan(0);
  expect(kl({ studentLogits, teacherLogits }).item()).toBeCloseTo(tidy(() => klLoss(studentLogits, teacherLogits).item()), 6);
});

it("klLoss and layerwiseLoss free every intermediate inside tidy", () => {
  const student = randn([2, 3, 6]).requireGrad();
  const teacher = randn([2, 3, 6]).requireGrad();
  const live = memory().tensors;
  tidy(() => {
    klLoss(student, teacher).backward();
    layerwiseLoss([student], [teacher]).backward();
  });
  expect(memory().tensors).toBe(live + 1); // the student's gradient
});
