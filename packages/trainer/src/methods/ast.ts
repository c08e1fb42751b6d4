import type { FlipRateControllerState } from "@adaptive-sparse/schedulers";
import { refreshMasks, type MethodHooks, type RunContext } from "../run-context.js";
import { baseHooks, initialMasksFromStrategy, refreshDue } from "./base.js";

/**
 * AST (method.md §3): M₀ from the configured strategy; every Δt steps the masks are recomputed from the
 * current dense weights and flips are counted against the previous and initial masks; λ(t) comes from the
 * decay schedule, or from a flip-rate controller that observes each refresh's flip ratio; at the end the
 * masks are refreshed once more from the final weights (§3.12).
 */
export function astHooks(ctx: RunContext): MethodHooks {
  const decay = ctx.plugins.decay!;
  const refresh = async (step: number) => {
    const next = await ctx.masks!.computeAll(step);
    await refreshMasks(ctx, step, next, decay.observe ? (ratio) => decay.observe!(step, ratio) : undefined);
  };
  return {
    ...baseHooks(ctx),
    decay: (step) => decay.value(step),
    initialize: () => initialMasksFromStrategy(ctx),
    beforeStep: async (step) => {
      if (refreshDue(ctx, step, "before-step")) await refresh(step);
    },
    afterStep: async (step) => {
      if (refreshDue(ctx, step, "after-step")) await refresh(step);
    },
    finalize: async (steps) => refreshMasks(ctx, steps, await ctx.masks!.computeAll(steps)),
    checkpoint: () => ({ state: { decay: decay.state ? decay.state() : null }, tensors: {} }),
    restore: (state) => {
      const saved = (state as { decay?: FlipRateControllerState | null } | null)?.decay;
      if (saved && decay.restore) decay.restore(saved);
    },
  };
}
