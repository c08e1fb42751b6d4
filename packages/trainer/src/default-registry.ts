import { cpuBackendPlugin, createRegistry, type BackendPlugin, type Registry } from "@adaptive-sparse/core";
import { registerData } from "@adaptive-sparse/data";
import { registerLosses } from "@adaptive-sparse/distill";
import { registerEvaluators } from "@adaptive-sparse/eval";
import { registerMasks } from "@adaptive-sparse/masks";
import { registerSchedules } from "@adaptive-sparse/schedulers";

// Core declares the `backend` kind against "./registry.js", which its bundled d.ts cannot resolve; restating
// it here (same type, so the declarations merge) keeps `register("backend", …)` typed either way.
declare module "@adaptive-sparse/core" {
  interface PluginKinds {
    backend: BackendPlugin;
  }
}

/**
 * A fresh registry holding every built-in plugin: mask strategies (`magnitude`, `wanda`, `random`,
 * `sparsegpt`), schedules (`warmup-cosine`, `linear-ramp`, `relative-ramp`, `constant`, `step`,
 * `cosine`), the `flip-target` decay controller, losses (`ce`, `kl`, `layerwise`), tokenizers and
 * datasets, evaluators, and core's `cpu` backend. Register your own plugins on top; a trainer config
 * then selects them by name like the built-in ones. Nothing is shared between calls.
 *
 * @example
 * const registry = createDefaultRegistry();
 * registry.register("mask", "nearest", nearestMask);
 * await train({ config: { method: "ast", mask: { strategy: "nearest" }, ... }, registry, ... });
 */
export function createDefaultRegistry(): Registry {
  const registry = createRegistry();
  registerMasks(registry);
  registerSchedules(registry);
  registerLosses(registry);
  registerData(registry);
  registerEvaluators(registry);
  registry.register("backend", cpuBackendPlugin.name, cpuBackendPlugin);
  return registry;
}
