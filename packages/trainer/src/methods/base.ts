import type { MethodHooks, RunContext } from "../run-context.js";

/**
 * Hooks of plain training: the configured LR schedule, no pruned-weight decay, nothing between steps.
 * Every method starts from these and overrides what it needs.
 */
export function baseHooks(ctx: RunContext): MethodHooks {
  const lr = ctx.plugins.lr!;
  return {
    lr,
    decay: () => 0,
    initialize: async () => {},
    beforeStep: async () => {},
    afterUpdate: () => {},
    afterStep: async () => {},
    finalize: async () => {},
    checkpoint: () => ({ state: null, tensors: {} }),
    restore: () => {},
  };
}

/** M₀ from the configured strategy; a strategy that returns updated weights (SparseGPT) has them written. */
export async function initialMasksFromStrategy(ctx: RunContext): Promise<void> {
  const sparse = ctx.sparse!;
  for (const entry of sparse.layers) {
    const mask = await ctx.masks!.computeLayer(entry, -1, true);
    sparse.setMask(entry, mask);
    mask.dispose();
  }
}

/** True when a refresh is due at `step` in `phase` (method.md §3.9: after steps 0, Δt, …; or before steps Δt, 2Δt, …). */
export function refreshDue(ctx: RunContext, step: number, phase: "after-step" | "before-step"): boolean {
  const { every, phase: configured } = ctx.config.refresh;
  if (phase !== configured) return false;
  return phase === "after-step" ? step % every === 0 : step > 0 && step % every === 0;
}
