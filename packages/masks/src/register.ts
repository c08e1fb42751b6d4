import type { Registry } from "@adaptive-sparse/core";
import { magnitudeMask } from "./magnitude.js";
import type { MaskStrategy } from "./mask-strategy.js";
import { randomMask } from "./random.js";
import { sparsegptMask } from "./sparsegpt.js";
import { wandaMask } from "./wanda.js";

/** The built-in strategies, in registration order. */
export const builtinMasks: readonly MaskStrategy[] = [magnitudeMask, wandaMask, randomMask, sparsegptMask];

/**
 * Registers the built-in mask strategies under kind `mask`: `magnitude`, `wanda`, `random`,
 * `sparsegpt`. Nothing registers on import; call this once on your registry.
 *
 * @throws DuplicatePluginError when one of the names is already registered.
 * @example
 * const registry = createRegistry();
 * registerMasks(registry);
 * registry.get("mask", "wanda").compute(weight, { n: 2, m: 4, inputNormSq });
 */
export function registerMasks(registry: Registry): void {
  for (const strategy of builtinMasks) registry.register("mask", strategy.name, strategy);
}
