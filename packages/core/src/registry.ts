import type { BackendPlugin } from "./backend.js";
import { DuplicatePluginError, UnknownPluginError } from "./errors.js";

/**
 * Plugin kinds, typed by interface merging. A plugin package adds its kind:
 *
 * ```ts
 * declare module "@adaptive-sparse/core" {
 *   interface PluginKinds { mask: MaskStrategy }
 * }
 * ```
 */
export interface PluginKinds {
  /** Core's own kind; every other kind comes from the package that defines it. */
  backend: BackendPlugin;
}

export type PluginKind = keyof PluginKinds & string;

export interface RegisterOptions {
  /** Replace an existing plugin of the same kind and name instead of throwing. */
  override?: boolean;
}

/** A registry keyed by (kind, name). Create one with {@link createRegistry}; nothing registers on import. */
export interface Registry {
  register<K extends PluginKind>(kind: K, name: string, plugin: PluginKinds[K], options?: RegisterOptions): void;
  get<K extends PluginKind>(kind: K, name: string): PluginKinds[K];
  has(kind: PluginKind, name: string): boolean;
  /** Registered names of one kind, sorted. */
  names(kind: PluginKind): string[];
}

const NAME = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Creates an empty plugin registry.
 *
 * @example
 * const registry = createRegistry();
 * registry.register("backend", "cpu", cpuBackendPlugin);
 * registry.get("backend", "cpu");
 * @throws DuplicatePluginError when a name is taken; UnknownPluginError on lookup of an unknown name.
 */
export function createRegistry(): Registry {
  const kinds = new Map<string, Map<string, unknown>>();
  const table = (kind: string) => {
    let entries = kinds.get(kind);
    if (!entries) kinds.set(kind, (entries = new Map()));
    return entries;
  };
  const names = (kind: string) => [...table(kind).keys()].sort();
  return {
    register(kind, name, plugin, options = {}) {
      if (!NAME.test(name)) {
        throw new UnknownPluginError(`registry: ${kind} name "${name}" must be lowercase kebab-case (letters, digits, '-')`);
      }
      const entries = table(kind);
      if (entries.has(name) && !options.override) {
        throw new DuplicatePluginError(
          `registry: a ${kind} named "${name}" is already registered; pick another name or pass { override: true }`,
        );
      }
      entries.set(name, plugin);
    },
    get(kind, name) {
      const entries = table(kind);
      if (!entries.has(name)) {
        const known = names(kind);
        throw new UnknownPluginError(
          `registry: unknown ${kind} "${name}"; registered ${kind} names: ${known.length ? known.join(", ") : "(none)"}`,
        );
      }
      return entries.get(name) as never;
    },
    has(kind, name) {
      return table(kind).has(name);
    },
    names,
  };
}
