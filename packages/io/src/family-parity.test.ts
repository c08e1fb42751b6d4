import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createCpuBackend, tidy } from "@adaptive-sparse/core";
import { Llama, OPT } from "@adaptive-sparse/nn";
import { AdamW } from "@adaptive-sparse/optim";
import { describe, expect, it } from "vitest";
import { FAMILY_CASES, familyExpected, relError } from "./family-fixtures.js";
import { loadModel } from "./load-model.js";

// Each case is a tiny random model written by an independent PyTorch implementation of Hugging Face's
// LlamaForCausalLM / OPTForCausalLM (fixtures/families/make_family_fixtures.py).
describe("LLaMA and OPT families match PyTorch", () => {
  for (const name of FAMILY_CASES) {
    it(`${name}: logits, loss and gradients within 1e-4, one AdamW step (from PyTorch's gradients) within 1e-6`, async () => {
      const backend = createCpuBackend();
      const expected = familyExpected(name, backend);
      const model = await loadModel(expected.folder, { backend });
      expect(model).toBeInstanceOf(name.startsWith("opt") ? OPT : Llama);
      expect(model.modelType).toBe((JSON.parse(readFileSync(join(expected.folder, "config.json"), "utf8")) as { model_type: string }).model_type);
      const [idx, targets] = [expected.load("idx"), expected.load("targets")];
      const { logits, loss } = tidy(() => {
        const out = model.forward(idx, targets);
        out.loss!.backward();
        return { logits: out.logits.dataSync(), loss: out.loss!.item() };
      });
      expect(relError(logits, expected.values("logits"))).toBeLessThan(1e-4); // measured 3e-7 to 1.2e-6
      expect(Math.abs(loss - expected.loss) / expected.loss).toBeLessThan(1e-4);
      expect(expected.checked.length).toBe(6);
      for (const param of expected.checked) {
        expect(relError(model.getParameter(param).grad!.dataSync(), expected.values(`grad.${param}`)), `grad ${param}`).toBeLessThan(1e-4);
      }
      // The step starts from PyTorch's gradients of the checked parameters: AdamW's first update, lr·g / (|g| + eps),
      // turns an f32 rounding difference in a gradient entry near eps (1e-8) into one of order lr in the weight
      // (qwen2's embedding has an entry of -1.8e-8), so our own gradients, checked above, would test f32 noise here.
      for (const param of expected.checked) {
        const parameter = model.getParameter(param);
        parameter.grad!.dispose();
        parameter.grad = expected.load(`grad.${param}`);
      }
      const { lr, betas, eps, weight_decay: weightDecay } = expected.adamw;
      new AdamW(model.parameters(), { lr, betas, eps, weightDecay, weightDecayMinRank: 0 }).step();
      for (const param of expected.checked) {
        expect(relError(model.getParameter(param).dataSync(), expected.values(`after.${param}`)), `after AdamW ${param}`).toBeLessThan(1e-6);
      }
      model.dispose();
    });
  }
});
