import type { Backend, BackendPlugin, Registry } from "@adaptive-sparse/core";
import { CliError } from "./errors.js";

/** A backend the CLI offers by name but does not install: its package is an optional peer dependency. */
export interface OptionalBackend {
  /** The name `--backend` takes, e.g. `webgpu`. */
  readonly name: string;
  /** The npm package that provides it, e.g. `@adaptive-sparse/backend-webgpu`. */
  readonly packageName: string;
  /** The export of that package holding its registry plugin. */
  readonly pluginExport: string;
  /** Its priority once loaded (the same as the package's own plugin), so `registry.names` orders as before. */
  readonly priority: number;
}

/** The GPU backends: large native installs (Dawn, gpu.js, koffi), so installed only by users who pick them. */
export const OPTIONAL_BACKENDS: readonly OptionalBackend[] = [
  { name: "webgpu", packageName: "@adaptive-sparse/backend-webgpu", pluginExport: "webgpuBackendPlugin", priority: 20 },
  { name: "gpujs", packageName: "@adaptive-sparse/backend-gpujs", pluginExport: "gpujsBackendPlugin", priority: 5 },
  { name: "cuda", packageName: "@adaptive-sparse/backend-cuda", pluginExport: "cudaBackendPlugin", priority: 30 },
];

/** Whether `error` says that `packageName` itself (not something it imports) is not installed. */
export function isMissingPackage(error: unknown, packageName: string): boolean {
  const { code, message = "" } = (error ?? {}) as { code?: string; message?: string };
  const notFound = code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND" || /Cannot find (package|module)|Failed to load url/.test(message);
  // Node quotes the missing specifier ('name'); vite's SSR loader writes "Failed to load url name (...)".
  return notFound && [`'${packageName}'`, `"${packageName}"`, `url ${packageName} `].some((quoted) => message.includes(quoted));
}

/** The message for a backend whose package is not installed: which package, and the command that adds it. */
export function missingBackendMessage(backend: OptionalBackend): string {
  return (
    `backend "${backend.name}" needs the package ${backend.packageName}, which is not installed ` +
    `(the CLI leaves GPU backends out to keep its install small); install it next to the CLI: ` +
    `npm install ${backend.packageName}`
  );
}

/**
 * A registry plugin that imports `backend.packageName` the first time it is asked anything. A missing package
 * throws a CliError naming it (so `--backend webgpu` says what to install instead of "unknown backend").
 * `load` is the import, replaceable in tests.
 */
export function lazyBackendPlugin(backend: OptionalBackend, load: (id: string) => Promise<Record<string, unknown>> = (id) => import(id)): BackendPlugin {
  let loaded: Promise<BackendPlugin> | null = null;
  const plugin = (): Promise<BackendPlugin> => {
    loaded ??= load(backend.packageName).then(
      (module) => {
        const found = module[backend.pluginExport] as BackendPlugin | undefined;
        if (!found) throw new CliError(`${backend.packageName} has no export "${backend.pluginExport}"; install a version matching the CLI's`);
        return found;
      },
      (error: unknown) => {
        if (isMissingPackage(error, backend.packageName)) throw new CliError(missingBackendMessage(backend));
        throw error;
      },
    );
    return loaded;
  };
  return {
    name: backend.name,
    apiVersion: 1,
    priority: backend.priority,
    isAvailable: async () => (await plugin()).isAvailable(),
    create: async (): Promise<Backend> => (await plugin()).create(),
  };
}

/** Registers a lazy plugin for each of {@link OPTIONAL_BACKENDS} not already registered. */
export function registerOptionalBackends(registry: Registry): void {
  for (const backend of OPTIONAL_BACKENDS) if (!registry.has("backend", backend.name)) registry.register("backend", backend.name, lazyBackendPlugin(backend));
}
