import type { Registry } from "@adaptive-sparse/core";
import { nmValidityEvaluator } from "./nm-validity.js";
import { perplexityEvaluator } from "./perplexity.js";
import { throughputEvaluator } from "./throughput.js";
import type { EvaluatorPlugin } from "./types.js";
import { zeroShotEvaluator } from "./zero-shot.js";

/** Every evaluator plugin this package provides (registry kind `evaluator`). */
export const evaluatorPlugins: readonly EvaluatorPlugin<never, unknown>[] = [perplexityEvaluator, zeroShotEvaluator, nmValidityEvaluator, throughputEvaluator];

/**
 * Registers `perplexity`, `zero-shot`, `nm-validity` and `throughput` under kind `evaluator`. Nothing
 * registers on import.
 * @throws DuplicatePluginError when one of the names is already registered.
 * @example
 * const registry = createRegistry();
 * registerEvaluators(registry);
 * const { metrics } = await registry.get("evaluator", "perplexity").run({ model, tokens }, { batchSize: 2 });
 */
export function registerEvaluators(registry: Registry): void {
  for (const plugin of evaluatorPlugins) registry.register("evaluator", plugin.name, plugin as EvaluatorPlugin);
}
