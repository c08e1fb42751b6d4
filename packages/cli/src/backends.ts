import { cpuBackendPlugin, createRegistry, type Backend, type Registry } from "@adaptive-sparse/core";
import { registerWasmBackend } from "@adaptive-sparse/backend-wasm";
import { CliError } from "./errors.js";

/** Environment variable naming the backend when `--backend` is not given. */
export const BACKEND_ENV = "ADAPTIVE_SPARSE_BACKEND";

/** A registry with the backends this CLI ships: cpu (reference) and wasm (fast CPU, optional BLAS GEMM). */
export function backendRegistry(): Registry {
  const registry = createRegistry();
  registry.register("backend", "cpu", cpuBackendPlugin);
  registerWasmBackend(registry);
  return registry;
}

/**
 * Creates the backend named by `name`, else by ADAPTIVE_SPARSE_BACKEND, else the highest-priority one available.
 * @throws CliError listing the registered backends for an unknown name, or when the named one is unavailable.
 */
export async function selectBackend(name?: string, registry: Registry = backendRegistry()): Promise<Backend> {
  const wanted = name ?? process.env[BACKEND_ENV];
  const names = registry.names("backend");
  if (wanted) {
    if (!registry.has("backend", wanted)) throw new CliError(`unknown backend "${wanted}"; available backends: ${names.join(", ")}`);
    const plugin = registry.get("backend", wanted);
    if (!(await plugin.isAvailable())) throw new CliError(`backend "${wanted}" is not available on this machine; try one of: ${names.join(", ")}`);
    return plugin.create();
  }
  const plugins = names.map((n) => registry.get("backend", n)).sort((a, b) => b.priority - a.priority);
  for (const plugin of plugins) if (await plugin.isAvailable()) return plugin.create();
  throw new CliError(`no backend is available (registered: ${names.join(", ")})`);
}
