import type { Backend, Registry } from "@adaptive-sparse/core";
import { CliError } from "./errors.js";
import { createCliRegistry } from "./registry.js";

/** Environment variable naming the backend when `--backend` is not given. */
export const BACKEND_ENV = "ADAPTIVE_SPARSE_BACKEND";

/**
 * Backends picked when none is named, in order. The GPU backends run only when named (`--backend webgpu`):
 * on a machine without a GPU, WebGPU still finds Mesa's software Vulkan driver, which is slower than wasm.
 */
export const DEFAULT_BACKENDS = ["wasm", "cpu"];

/**
 * Creates the backend named by `name`, else by ADAPTIVE_SPARSE_BACKEND, else the first available of
 * {@link DEFAULT_BACKENDS}, from the registry's `backend` kind (so a user-registered backend is found by name).
 * @throws CliError listing the registered backends for an unknown name, or when the named one is unavailable.
 */
export async function selectBackend(name?: string, registry: Registry = createCliRegistry()): Promise<Backend> {
  const wanted = name ?? process.env[BACKEND_ENV];
  const names = registry.names("backend");
  if (wanted) {
    if (!registry.has("backend", wanted)) throw new CliError(`unknown backend "${wanted}"; available backends: ${names.join(", ")}`);
    const plugin = registry.get("backend", wanted);
    if (!(await plugin.isAvailable())) throw new CliError(`backend "${wanted}" is not available on this machine; try one of: ${names.join(", ")}`);
    return plugin.create();
  }
  const plugins = DEFAULT_BACKENDS.filter((n) => registry.has("backend", n)).map((n) => registry.get("backend", n));
  for (const plugin of plugins) if (await plugin.isAvailable()) return plugin.create();
  throw new CliError(`no backend is available (registered: ${names.join(", ")})`);
}
