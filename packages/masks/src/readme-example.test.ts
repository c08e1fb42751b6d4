import { createRegistry } from "@adaptive-sparse/core";
import { expect, it } from "vitest";
import { assertIs24, assertNM } from "./assert-nm.js";
import { flipCount } from "./flip-rate.js";
import { createHessianAccumulator } from "./hessian.js";
import { registerMasks } from "./register.js";
import { sparsegptMask } from "./sparsegpt.js";
import { createWandaStatistic } from "./wanda-statistic.js";

// The README "Usage" block, with its claims checked.
it("README usage example runs as documented", () => {
  const weight = { data: new Float32Array([1, -3, 3, 2, 0, 0, 0, 0]), rows: 2, cols: 4 };
  const registry = createRegistry();
  registerMasks(registry);

  const magnitude = registry.get("mask", "magnitude").compute(weight, { n: 2, m: 4 });
  expect([...magnitude]).toEqual([0, 1, 1, 0, 0, 0, 1, 1]);
  assertIs24(magnitude, weight.rows, weight.cols);

  const stat = createWandaStatistic(weight.cols);
  stat.addBatch(new Float32Array([0.5, 1, 2, 0.1, 1, 1, 1, 1]));
  const wanda = registry.get("mask", "wanda").compute(weight, { n: 2, m: 4, inputNormSq: stat.value() });
  expect(flipCount(magnitude, wanda) % 2).toBe(0);

  const hessian = createHessianAccumulator(weight.cols);
  hessian.addBatch(new Float32Array([0.5, 1, 2, 0.1, 1, 1, 1, 1]));
  const { mask, weight: pruned, loss } = sparsegptMask.prune(weight, hessian.value(), { n: 2, m: 4 });
  assertNM(mask, 2, 4, { n: 2, m: 4 });
  expect(pruned.every((v, i) => mask[i] === 1 || v === 0)).toBe(true);
  expect(loss).toBeGreaterThan(0);
});
