import { createRegistry, gather, memory, tensor, type Tensor } from "@adaptive-sparse/core";
import { expect, it } from "vitest";
import { evaluatePerplexity } from "./perplexity.js";
import { registerEvaluators } from "./register.js";
import { evaluateMultipleChoice } from "./zero-shot.js";

// The README "Usage" block, with its printed values checked.
it("README usage example runs as documented", async () => {
  const table = tensor([[0, Math.log(3)], [0, 0]]);
  const model = { config: { blockSize: 4, vocabSize: 2 }, forward: (idx: Tensor) => ({ logits: gather(table, idx) }) };
  const before = memory().tensors;

  const ppl = await evaluatePerplexity(model, [0, 1, 1, 0, 0, 0, 1, 1, 1], { batchSize: 2 });
  expect([ppl.windows, ppl.tokens, ppl.perplexity.toFixed(4)]).toEqual([2, 6, "1.9611"]);

  const tokenizer = { encode: (text: string) => [...text].map(Number) };
  const mc = await evaluateMultipleChoice(model, tokenizer, [{ context: "0", choices: ["1", "0"], label: 0 }]);
  expect([mc.acc, mc.acc_norm]).toEqual([1, 1]);
  expect(memory().tensors).toBe(before);

  const registry = createRegistry();
  registerEvaluators(registry);
  const weights = [{ name: "h.0.mlp.c_fc", data: new Float32Array([1, 0, 2, 0, 0, 3, 3, 0]), rows: 2, cols: 4 }];
  const { metrics } = await registry.get("evaluator", "nm-validity").run({ weights }, { n: 2, m: 4 });
  expect(metrics).toEqual({ valid: 1, sparsity: 0.5, groups: 2, groupsOverN: 0, layers: 1 });
  table.dispose();
});
