import { gmpPruneLayer, gmpSparsity, gmpWindow, isGmpPruningStep } from "../gmp-schedule.js";
import { refreshMasks, type MethodHooks, type RunContext } from "../run-context.js";
import { baseHooks } from "./base.js";

/**
 * Gradual magnitude pruning (method.md §6.5, our adaptation): the model starts dense (M₀ = all ones);
 * at t₀, t₀ + every, …, t₁ each layer's smallest surviving weights are pruned until the layer reaches the
 * cubic schedule's sparsity s(t), never more than m − n per group, so at t₁ every group has exactly
 * m − n zeros. Pruned weights are zeroed and stay zero (re-zeroed after every update); λ ≡ 0.
 */
export function gmpHooks(ctx: RunContext): MethodHooks {
  const { n, m } = ctx.config.sparsity;
  const window = gmpWindow(ctx.config.steps, ctx.config.gmp, n, m);
  const sparse = ctx.sparse!;
  const prune = async (step: number, sparsity: number) => {
    const next: Uint8Array[] = [];
    for (const entry of sparse.layers) {
      // GMP's global ordering of survivors runs on host views of the weight and mask (once per pruning step).
      const { data } = await sparse.readWeight(entry);
      const size = entry.rows * entry.cols;
      const target = sparsity >= window.target ? (size / m) * (m - n) : Math.round(sparsity * size);
      next.push(gmpPruneLayer(data, await sparse.readMask(entry), m, m - n, target, entry.name));
    }
    await refreshMasks(ctx, step, next);
    sparse.applyMasks();
  };
  return {
    ...baseHooks(ctx),
    beforeStep: async (step) => {
      const sparsity = gmpSparsity(step, window);
      if (sparsity > 0 && isGmpPruningStep(step, window)) await prune(step, sparsity);
    },
    afterUpdate: () => sparse.applyMasks(),
    // t₁ may lie at or past the last step; the final masks must reach exactly n:m either way.
    finalize: async (steps) => {
      if ((await sparse.sparsity()) < window.target) await prune(steps, window.target);
    },
  };
}
