import { createRegistry, tensor } from "@adaptive-sparse/core";
import { expect, it } from "vitest";
import { assertIs24, assertNM } from "./assert-nm.js";
import { flipCountTensor } from "./flip-rate.js";
import { createHessianAccumulator } from "./hessian.js";
import { registerMasks } from "./register.js";
import { sparsegptMask } from "./sparsegpt.js";
import { createWandaStatistic } from "./wanda-statistic.js";
import { computeMask } from "./weight-tensor.js";

// The README "Usage" block, with its claims checked.
it("README usage example runs as documented", async () => {
  const weight = tensor([[1, -3, 3, 2], [0, 0, 0, 0]]);
  const registry = createRegistry();
  registerMasks(registry);

  const magnitude = await computeMask(registry.get("mask", "magnitude"), weight, { n: 2, m: 4 });
  expect([...(await magnitude.data())]).toEqual([0, 1, 1, 0, 0, 0, 1, 1]);
  assertIs24((await magnitude.data()) as Uint8Array, 2, 4);

  const stat = createWandaStatistic(4);
  stat.addBatch(new Float32Array([0.5, 1, 2, 0.1, 1, 1, 1, 1]));
  const wanda = await computeMask(registry.get("mask", "wanda"), weight, { n: 2, m: 4, inputNormSq: stat.value() });
  const flips = flipCountTensor(magnitude, wanda);
  expect(flips.dtype).toBe("i32");
  expect((await flips.data())[0] % 2).toBe(0);

  const hessian = createHessianAccumulator(4);
  hessian.addBatch(new Float32Array([0.5, 1, 2, 0.1, 1, 1, 1, 1]));
  const host = { data: new Float32Array([1, -3, 3, 2, 0, 0, 0, 0]), rows: 2, cols: 4 };
  const { mask, weight: pruned, loss } = sparsegptMask.prune(host, hessian.value(), { n: 2, m: 4 });
  assertNM(mask, 2, 4, { n: 2, m: 4 });
  expect(pruned.every((v, i) => mask[i] === 1 || v === 0)).toBe(true);
  expect(loss).toBeGreaterThan(0);
});
