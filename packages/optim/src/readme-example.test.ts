// The README's usage example, run as a test so it cannot rot. Keep the two in sync.
import { randn, tensor, tidy } from "@adaptive-sparse/core";
import { expect, it } from "vitest";
import { AdamW, clipGradNorm } from "./index.js";

it("README example runs and shrinks the pruned weights", () => {
  const weight = randn([4, 8]).requireGrad(); // a sparse layer's dense weight [out, in]
  const bias = tensor([0, 0, 0, 0]).requireGrad();
  const mask = tensor([1, 1, 0, 0, 0, 1, 1, 0], { dtype: "u8" }).reshape([1, 8]).expand([4, 8]); // 2:4 keep-mask
  const optimizer = new AdamW([{ params: [{ param: weight, mask }, bias] }], { weightDecay: 0.1, betas: [0.9, 0.95], eps: 1e-8 });
  const lr = (t: number) => 1e-2 * Math.min((t + 1) / 10, 1); // or warmupCosine from @adaptive-sparse/schedulers
  const decay = (t: number) => 1e-1 * Math.min(t / 50, 1); // λ(t), or linearRamp
  const x = randn([16, 8]);
  for (let t = 0; t < 100; t++) {
    optimizer.zeroGrad();
    tidy(() => x.matmul(weight.mul(mask.cast("f32")).transpose()).add(bias).sub(1).square().mean().backward());
    clipGradNorm(optimizer.params, 1.0)?.dispose();
    optimizer.step({ lr: lr(t), decay: decay(t) });
  }

  const start = randn([4, 8]).dataSync(); // the same seed-0 draw as the initial weight
  const w = weight.dataSync();
  const m = mask.dataSync();
  const meanAbs = (keep: number) => [...w].filter((_, i) => m[i] === keep).reduce((s, v) => s + Math.abs(v), 0) / 16;
  const startPruned = [...start].filter((_, i) => m[i] === 0).reduce((s, v) => s + Math.abs(v), 0) / 16;
  expect(meanAbs(0)).toBeLessThan(0.2 * startPruned); // pruned weights decayed toward 0 (0.69 → 0.08)
});
