import { ConfigError } from "./errors.js";

/** The part of a zod schema core relies on (core has no runtime dependencies). */
export interface OptionsSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: readonly SchemaIssue[] } };
  /** Present on object schemas; used to list the valid keys. */
  readonly shape?: Record<string, unknown>;
}

interface SchemaIssue {
  readonly code?: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly keys?: readonly string[];
}

/**
 * Validates plugin or config options, turning schema issues into one clear error.
 *
 * @param where what is being configured, e.g. `mask "wanda"` or `config.trainer`.
 * @throws ConfigError naming each bad key, and listing the valid keys for unknown ones.
 * @example
 * const options = validateOptions('schedule "constant"', z.strictObject({ value: z.number() }), { value: 1 });
 */
export function validateOptions<T>(where: string, schema: OptionsSchema<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const path = issue.path.map(String).join(".") || "(options)";
    if (issue.code === "unrecognized_keys" && issue.keys) {
      const valid = keysAt(schema, issue.path);
      return `${issue.path.length ? `${path}: ` : ""}unknown option${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}` +
        (valid.length ? ` (valid options: ${valid.join(", ")})` : "");
    }
    return `${path}: ${issue.message}`;
  });
  throw new ConfigError(`${where}: invalid options: ${lines.join("; ")}`);
}

type SchemaNode = { shape?: Record<string, unknown>; unwrap?: () => unknown; _def?: { innerType?: unknown; schema?: unknown; in?: unknown } } | undefined;

/** Strips wrappers (optional, default, nullable, pipes) to reach an object schema's shape. */
function unwrap(node: unknown): SchemaNode {
  let current = node as SchemaNode;
  for (let i = 0; i < 8 && current && !current.shape; i++) {
    const def = current._def;
    current = (def?.innerType ?? def?.schema ?? def?.in ?? (typeof current.unwrap === "function" ? current.unwrap() : undefined)) as SchemaNode;
  }
  return current;
}

/** The keys valid at `path` inside a (zod) object schema, for "unknown option" messages. */
function keysAt(schema: unknown, path: readonly PropertyKey[]): string[] {
  let node = unwrap(schema);
  for (const key of path) node = unwrap(node?.shape?.[String(key)]);
  return Object.keys(node?.shape ?? {});
}
