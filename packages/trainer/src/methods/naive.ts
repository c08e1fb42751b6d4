import { refreshMasks, type MethodHooks, type RunContext } from "../run-context.js";
import { baseHooks, initialMasksFromStrategy, refreshDue } from "./base.js";

/**
 * Naive retraining with a fixed mask (method.md §6.4): M₀ from the configured strategy (magnitude by
 * default), straight-through training, λ ≡ 0, the mask never changes. At every Δt a `refresh` event
 * reports the (zero) flips, so fixed-mask runs log like AST runs (§2.5 item 3, §10.1 item 9).
 */
export function naiveHooks(ctx: RunContext): MethodHooks {
  const report = async (step: number) => refreshMasks(ctx, step, null);
  return {
    ...baseHooks(ctx),
    initialize: () => initialMasksFromStrategy(ctx),
    beforeStep: async (step) => {
      if (refreshDue(ctx, step, "before-step")) await report(step);
    },
    afterStep: async (step) => {
      if (refreshDue(ctx, step, "after-step")) await report(step);
    },
  };
}
