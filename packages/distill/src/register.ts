import type { Registry } from "@adaptive-sparse/core";
import { ceLossPlugin } from "./ce-loss.js";
import { klLossPlugin } from "./kl-loss.js";
import { layerwiseLossPlugin } from "./layerwise-loss.js";
import type { LossPlugin } from "./types.js";

/** Every loss plugin this package provides (registry kind `loss`). */
export const lossPlugins: readonly LossPlugin<never>[] = [ceLossPlugin, klLossPlugin, layerwiseLossPlugin];

/**
 * Registers `ce`, `kl` and `layerwise` under kind `loss`. Nothing registers on import.
 * @throws DuplicatePluginError when one of the names is already registered.
 * @example
 * const registry = createRegistry();
 * registerLosses(registry);
 * const kl = registry.get("loss", "kl").create({ temperature: 2 });
 * const loss = kl({ studentLogits, teacherLogits });
 */
export function registerLosses(registry: Registry): void {
  for (const plugin of lossPlugins) registry.register("loss", plugin.name, plugin as LossPlugin);
}
